import ArgumentParser
import CoexistModel
import CoexistRules
import CoexistStore
import Foundation

/// `coexist accept`: finance acknowledges a finding; it stops failing runs until its values change.
struct Accept: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accept a finding of the last nightly run: later runs list it as accepted until its values change.",
        discussion: """
            Matches the findings of the last run with this rule and tenant (and subscription, when given; \
            without it, every finding of the rule for the tenant, SKU findings included). An accepted finding \
            no longer fails a run; when its values (before/after) change, the acceptance stops holding and the \
            finding fails again. Nothing is deleted: `coexist history` and `coexist explain` list every \
            acceptance with who, when and why.

            Example:
              coexist accept --rule license-mismatch --tenant muellersoehne.onmicrosoft.com \\
                --reason "CSP seats assigned next month, ticket FIN-2211" --by "Petra (finance)"
            """)

    @Option(name: .long, help: ArgumentHelp("The rule id of the finding.", valueName: "rule"))
    var rule: String

    @Option(name: .long, help: ArgumentHelp("The tenant: its id, domain or name.", valueName: "tenant"))
    var tenant: String

    @Option(name: .long, help: ArgumentHelp("The subscription id, to accept one finding of several.", valueName: "id"))
    var subscription: String?

    @Option(name: .long, help: ArgumentHelp("Why it is acceptable (kept with the acceptance).", valueName: "text"))
    var reason: String

    @Option(name: .long, help: ArgumentHelp("Who accepts it (default $USER).", valueName: "name"))
    var by: String?

    @OptionGroup var store: StoreOption

    func validate() throws {
        guard RuleEngine.rule(id: rule) != nil else { throw ValidationError("unknown rule \"\(rule)\"; `coexist rules` lists them") }
        if reason.trimmingWhitespace().isEmpty { throw ValidationError("--reason must say why the finding is acceptable") }
        if let subscription, SubscriptionID(parsing: subscription) == nil {
            throw ValidationError("--subscription \"\(subscription)\" is not a subscription id (a GUID)")
        }
    }

    func run() throws {
        let logger = StderrLogHandler.logger(verbose: false, quiet: false)
        let opened = try store.open(.write, logger: logger)
        let who = by ?? currentUserName()
        let outcome = try withStore {
            try opened.write { session in
                try session.accept(
                    rule: rule, tenant: try session.resolveTenant(tenant),
                    subscription: subscription.flatMap { SubscriptionID(parsing: $0) },
                    reason: reason, by: who, at: Date())
            }
        }
        for acceptance in outcome.accepted {
            Terminal.out("accepted \(acceptance.rule) of run \(outcome.runID): \(acceptance.message)")
        }
        for acceptance in outcome.alreadyAccepted {
            Terminal.out(
                "already accepted by \(acceptance.acceptedBy) on \(acceptance.acceptedAt) (\(acceptance.reason)): \(acceptance.message)")
        }
        if !outcome.accepted.isEmpty {
            Terminal.out(
                "  by \(who): \"\(reason)\". Later runs list \(outcome.accepted.count == 1 ? "it" : "them") as accepted, "
                    + "not failing, until the values change.")
        }
    }
}
