import ArgumentParser
import CoexistRules
import Foundation

/// `coexist rules`: every rule with its id, severity and description.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List every rule with its id, default severity and description.")

    @Flag(name: .long, help: "Print each rule's full rationale and example titles.")
    var verbose = false

    func run() throws {
        for rule in RuleEngine.allRules {
            let description = rule.description
            let id = description.id.padding(toLength: 40, withPad: " ", startingAt: 0)
            let severity = description.defaultSeverity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            Terminal.out("\(id)\(severity)\(description.summary)")
            if verbose {
                Terminal.out("    " + description.rationale)
                for example in description.triggering { Terminal.out("    fires:        \(example.title)") }
                for example in description.nonTriggering { Terminal.out("    does not fire: \(example.title)") }
                Terminal.out("")
            }
        }
    }
}
