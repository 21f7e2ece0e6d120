import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import StocktakeCLI

/// Help reads well at any width: discussion paragraphs are single lines that argument-parser wraps
/// to the terminal (hand-wrapped lines came out ragged), and no default is said twice.
@Suite struct HelpTextTests {
    static var commands: [ParsableCommand.Type] {
        var all: [ParsableCommand.Type] = [StocktakeCommand.self]
        var index = 0
        while index < all.count {
            all.append(contentsOf: all[index].configuration.subcommands)
            index += 1
        }
        return all
    }

    @Test func discussionParagraphsAreNotHandWrapped() {
        for command in Self.commands {
            let discussion = command.configuration.discussion
            for paragraph in discussion.components(separatedBy: "\n\n") {
                let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
                for (index, line) in lines.enumerated().dropFirst() {
                    // Later lines of a paragraph are examples or table rows (indented), or follow a line ending in ':'.
                    let indented = line.hasPrefix(" ")
                    let afterIntro = lines[index - 1].hasSuffix(":")
                    // A line of its own per option (`--out files are…`) or list item is a paragraph of one line.
                    let listItem = line.hasPrefix("- ") || line.hasPrefix("--") || line.first?.isNumber == true
                    #expect(indented || afterIntro || listItem, "\(command._commandName): hand-wrapped line \"\(line)\"")
                }
            }
        }
    }

    @Test func noDefaultIsSaidTwice() {
        for command in Self.commands {
            let help = command.helpMessage(columns: 10_000)
            #expect(!help.contains(/\(default[^)]*\)\.?\s+\(default:/), "\(command._commandName)")
        }
    }
}

/// The README is what a new user needs and stays under 16 KB; its links to docs/ resolve.
@Suite struct ReadmeTests {
    @Test func theREADMEStaysShortAndItsLocalLinksResolve() throws {
        let readme = Fixtures.packageRoot.appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.utf8.count < 16 * 1024, "README.md is \(text.utf8.count) bytes")
        for match in text.matches(of: /\]\((docs\/[^)#]+)/) {
            let path = Fixtures.packageRoot.appendingPathComponent(String(match.1)).path
            #expect(FileManager.default.fileExists(atPath: path), "README links to a missing \(match.1)")
        }
    }
}
