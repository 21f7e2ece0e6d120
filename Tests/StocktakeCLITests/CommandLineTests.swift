import Foundation
import Testing
import TestSupport
import ArgumentParser
@testable import StocktakeCLI

/// The command line itself: a mistyped command gets a suggestion and exit 64 (`help nosuch` too,
/// not the main help with exit 0), and `init` says whether it applied anything.
@Suite struct CommandLineTests {
    @Test(arguments: [
        (["fnd"], "unknown command \"fnd\"; did you mean 'find'?"),
        (["exprot", "--out", "x.csv"], "did you mean 'export'?"),
        (["help", "nosuch"], "unknown command \"nosuch\""),
        (["help", "shw"], "did you mean 'show'?"),
    ])
    func anUnknownCommandIsNamedWithTheNearestOne(_ arguments: [String], _ expected: String) throws {
        let message = try #require(StocktakeCommand.unknownSubcommandMessage(arguments))
        #expect(message.contains(expected), "\(message)")
    }

    @Test(arguments: [["find", "--count"], ["help", "find"], ["help"], ["--db", "x.db"], ["imports", "show", "3"], []])
    func knownCommandsAndOptionsPass(_ arguments: [String]) {
        #expect(StocktakeCommand.unknownSubcommandMessage(arguments) == nil)
    }

    @Test(arguments: [CompletionShell.bash, .zsh, .fish])
    func completionsOfferTheClosedValueSets(_ shell: CompletionShell) {
        let script = StocktakeCommand.completionScript(for: shell)
        for expected in ["planned", "ongoing", "international", "champion", "windows-1252", "DD/MM/YYYY", "ndjson",
                         "stocktake ref regions --format csv", "stocktake ref action-lines --format csv", "stocktake ref sdgs --format csv"] {
            #expect(script.contains(expected), "\(shell): no \(expected)")
        }
    }

    @Test func editDistance() {
        #expect(StocktakeCommand.editDistance("fnd", "find") == 1)
        #expect(StocktakeCommand.editDistance("report", "report") == 0)
        #expect(StocktakeCommand.editDistance("", "abc") == 3)
    }
}

@Suite(.enabled(if: StocktakeBinary.isAvailable)) struct CommandLineEndToEndTests {
    @Test func unknownCommandsExit64WithASuggestion() throws {
        let typo = try StocktakeBinary.run(arguments: ["fnd"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("did you mean 'find'?"))
        let help = try StocktakeBinary.run(arguments: ["help", "nosuch"])
        #expect(help.status == 64)
        #expect(help.stdout.isEmpty)
    }

    @Test func initSaysWhetherItAppliedAnything() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("t.db")
        let first = try StocktakeBinary.run(arguments: ["init", "--db", db])
        #expect(first.stdout.contains("created with"))
        let second = try StocktakeBinary.run(arguments: ["init", "--db", db])
        #expect(second.status == 0)
        #expect(second.stdout.contains("up to date, no migration applied"), "\(second.stdout)")
        #expect(!second.stdout.contains("migrations applied"))
    }
}
