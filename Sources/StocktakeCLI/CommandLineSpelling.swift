import Stocktaking

/// How the command line spells what the library names: a filter or option `action_line` is
/// `--action-line`, and guidance points to the tool's own commands. The library's errors carry
/// names; `ErrorMessage` renders them with this spelling.
enum CommandLineSpelling {
    /// Names the command line does not write as `--name`: `-p name=VALUE` of `sql`, the `PATH`
    /// argument of `backup`.
    static let exceptions: [OptionName: String] = [.parameter: "-p", .backupPath: "backup"]

    /// `action_line` → `action-line`, the long name argument-parser is given.
    static func longName(_ name: OptionName) -> String {
        name.rawValue.replacingEvery("_", with: "-")
    }

    /// `action_line` → `--action-line`, as messages and help write it.
    static func flag(_ name: OptionName) -> String {
        exceptions[name] ?? "--" + longName(name)
    }

    static func guidance(_ guidance: Guidance) -> String {
        switch guidance {
        case .listImportBatches:
            "`stocktake imports` lists them"
        case .createDatabase:
            "create it with `stocktake init` (or `stocktake import FILE`), or point --db / STOCKTAKE_DB at an existing one"
        case .readOnlySQL:
            "`stocktake sql` only reads"
        case .searchWordsAsWritten:
            "drop \(flag(ProjectFilterOption.ftsSyntax.name)) to search for the words as written"
        }
    }
}

extension FrontEndSpelling {
    /// The command line's spelling: `--action-line`, and guidance naming `stocktake` commands.
    static let commandLine = FrontEndSpelling(option: { CommandLineSpelling.flag($0) }, guidance: { CommandLineSpelling.guidance($0) })
}
