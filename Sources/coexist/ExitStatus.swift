/// coexist's exit codes (SPEC §6). When several apply, the first of 75, 4, 2, 3, 1, 5, 0 wins.
enum ExitStatus: Int32 {
    case success = 0
    case findings = 1
    case invalidInput = 2
    case nothingAudited = 3
    case internalFailure = 4
    case incomplete = 5
    case locked = 75
}

/// A failure that ends the command with a message on stderr and an exit status.
struct CommandFailure: Error {
    let status: ExitStatus
    let message: String
}

/// A command that finished normally but wants a non-zero exit (findings, nothing audited, incomplete).
struct CommandOutcome: Error {
    let status: ExitStatus
}
