import ArgumentParser
import Stocktaking

/// `--mode`, shared by `export`, `backup` and `report`: the permissions of the files they write.
/// The library validates the value; this maps its refusal to a usage error (exit 64).
struct OutputModeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Permissions of the files written, in octal (default: 0600; bundle directories get the matching x bits, e.g. 0640 → 0750).",
            valueName: "octal"),
        transform: { (text: String) throws -> OutputPermissions in
            do {
                return try OutputPermissions(octal: text)
            } catch let invalid as OutputPermissions.Invalid {
                throw ValidationError(invalid.description)
            }
        })
    var mode: OutputPermissions?

    /// `--mode` for `target`, refused for standard output, a device or a FIFO: they are not
    /// files this command creates, and their permissions are not its to change.
    func mode(for target: OutputTarget) throws -> OutputPermissions? {
        guard let mode else { return nil }
        guard case .replaceFile = target.kind else {
            throw UsageError("--mode \(mode) applies to files; \(target.displayName) is not a file this command writes")
        }
        return mode
    }
}
