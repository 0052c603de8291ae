import CoexistModel
import CoexistRules
import Foundation

/// The configuration file (JSON; see docs/configuration.md): rule severities and switches, the
/// allowed inviter roles, the protected fields, the exporting partner's MPN ids and `failOn`.
struct ConfigurationFile {
    var rules = RuleConfiguration()
    var partnerIDs: Set<PartnerID> = []
    var failOn: Severity?
    /// How to read real-world exports (docs/formats.md): mapping, language and catalogue files (paths
    /// relative to the configuration file) and partner tenant GUID → MPN id.
    var ingest = IngestSettings()

    private static let knownKeys: Set<String> = [
        "partnerIds", "failOn", "allowedInviterRoles", "protectedFields", "rules",
        "partnerTenants", "mappings", "languages", "offerCatalogues", "limits",
    ]

    /// Reads and checks the file; every mistake is a usage error naming the file and the key.
    static func load(path: String) throws(CommandFailure) -> ConfigurationFile {
        func fail(_ message: String) -> CommandFailure {
            CommandFailure(status: .invalidInput, message: "\(path): \(message)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the configuration file") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else { throw fail("expected a JSON object at the top level") }
        var file = ConfigurationFile()
        for key in root.keys.sorted() where !knownKeys.contains(key) {
            throw fail("unknown key \"\(key)\"; expected one of \(knownKeys.sorted().joined(separator: ", "))")
        }
        if let value = root["partnerIds"] {
            guard let list = value as? [Any] else { throw fail("partnerIds must be a list of MPN ids") }
            for item in list {
                let text = (item as? String) ?? (item as? NSNumber)?.stringValue ?? ""
                guard case .partner(let id) = PartnerID.parse(text) else { throw fail("partnerIds: \"\(text)\" is not an MPN id") }
                file.partnerIDs.insert(id)
            }
        }
        if let value = root["failOn"] {
            guard let text = value as? String, let severity = Severity(rawValue: text.lowercased()) else {
                throw fail("failOn must be error, warning or info")
            }
            file.failOn = severity
        }
        if let value = root["allowedInviterRoles"] {
            guard let list = value as? [String], !list.isEmpty else {
                throw fail("allowedInviterRoles must be a non-empty list of role names")
            }
            file.rules.allowedInviterRoles = Set(list.compactMap { Role(parsing: $0) })
        }
        if let value = root["protectedFields"] {
            guard let list = value as? [String] else { throw fail("protectedFields must be a list of field names") }
            file.rules.protectedFields = try list.map { name throws(CommandFailure) in
                guard let field = SubscriptionField(name: name) else {
                    throw fail(
                        "protectedFields: unknown field \"\(name)\"; known: \(SubscriptionField.allCases.map(\.name).joined(separator: ", "))"
                    )
                }
                return field
            }
        }
        try file.ingest.read(root, relativeTo: (path as NSString).deletingLastPathComponent, fail: fail)
        if let value = root["rules"] {
            guard let map = value as? [String: Any] else { throw fail("rules must map rule ids to error, warning, info or off") }
            for (id, setting) in map.sorted(by: { $0.key < $1.key }) {
                guard RuleEngine.rule(id: id) != nil else {
                    throw fail("rules: unknown rule \"\(id)\"; `coexist rules` lists them")
                }
                guard let text = (setting as? String)?.lowercased() else { throw fail("rules.\(id) must be error, warning, info or off") }
                if text == "off" {
                    file.rules.disabled.insert(id)
                } else if let severity = Severity(rawValue: text) {
                    file.rules.severities[id] = severity
                } else {
                    throw fail("rules.\(id): \"\(text)\" is not error, warning, info or off")
                }
            }
        }
        return file
    }
}
