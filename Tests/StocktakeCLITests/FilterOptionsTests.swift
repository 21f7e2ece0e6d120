import ArgumentParser
import Stocktaking
import Testing
@testable import StocktakeCLI

/// The command line's filter options come from the library's declarations.
@Suite struct FilterOptionsTests {
    /// A declaration without its `@Option` line would be missing here.
    @Test func everyFilterDeclarationIsAnOptionOfTheCommandLine() throws {
        for filter in ProjectFilterOption.all {
            let flag = CommandLineSpelling.flag(filter.name)
            var arguments = filter.arity == .flag ? [flag] : [flag, "value"]
            if let needed = filter.requires { arguments += [CommandLineSpelling.flag(needed), "x"] }
            let options = try FilterOptions.parse(arguments)
            #expect(options.request[filter] == (filter.arity == .flag ? ["true"] : ["value"]), "\(flag)")
        }
    }

    @Test func theCommandLineAndAQueryStringMakeTheSameRequest() throws {
        let options = try FilterOptions.parse([
            "--action-line", "C5", "--sdg", "4,5", "--sdg", "16", "--search", "rural health", "--fts-syntax",
            "--submitted-since", "2020",
        ])
        let query = try ProjectFilterRequest(queryString: "action_line=C5&sdg=4,5&sdg=16&search=rural+health&fts_syntax&submitted_since=2020")
        #expect(options.request == query)
    }

    @Test func aRequirementIsAUsageError() throws {
        #expect {
            _ = try FilterOptions.parse(["--fts-syntax"])
        } throws: { error in
            FilterOptions.message(for: error) == "--fts-syntax needs --search"
        }
    }

    /// The report's header: value filters in declaration order, as flags; `--fts-syntax` is not listed.
    @Test func theReportScopeNamesTheFiltersAsGiven() throws {
        let options = try FilterOptions.parse(["--search", "x", "--region", "AFR", "--sdg", "4", "--sdg", "5", "--fts-syntax"])
        #expect(options.scope == "--sdg 4 --sdg 5 --region AFR --search x")
    }

    @Test func libraryErrorsAreSpelledAsFlags() {
        let error = FilterValueError(filter: .stakeholderType, value: "robots", reason: ResolutionError("no such stakeholder type"))
        #expect(ErrorMessage.text(for: error, status: .usage) == "--stakeholder-type \"robots\": no such stakeholder type")
        let batch = FilterValueError(filter: .importBatch, value: "x", reason: ResolutionError("not a batch number", guidance: .listImportBatches))
        #expect(ErrorMessage.text(for: batch, status: .usage) == "--import \"x\": not a batch number; `stocktake imports` lists them")
        #expect(ErrorMessage.text(for: OutputRefused("\(option: .backupPath) / is a directory"), status: .usage) == "backup / is a directory")
        #expect(ErrorMessage.text(for: ReadOnlySQLError.positionalParameter, status: .usage).hasSuffix("pass -p name=VALUE"))
    }

    /// `ProjectQuery.translatingSearchErrors` names the search filter and its guidance; the CLI
    /// renders both in flag spelling.
    @Test func anInvalidRawSearchIsSpelledWithFlags() {
        let invalid = FilterValueError(
            filter: .search, value: "a AND (",
            reason: ResolutionError("not a valid full-text query (fts5: syntax error near \"\")", guidance: .searchWordsAsWritten))
        #expect(ErrorMessage.text(for: invalid, status: .usage)
            == "--search \"a AND (\": not a valid full-text query (fts5: syntax error near \"\"); drop --fts-syntax to search for the words as written")
    }
}
