import Dispatch

/// `body(0) … body(count - 1)` on every core, the results in index order.
///
/// For independent pieces of work over read-only data (the two export sets, the rules): each call
/// writes only its own slot, and the results are read only after every call has returned.
public func concurrentMap<Result: Sendable>(_ count: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
    let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    nonisolated(unsafe) let shared = slots
    DispatchQueue.concurrentPerform(iterations: count) { index in
        shared[index] = body(index)
    }
    // Non-nil: concurrentPerform returns only after every iteration stored its result.
    return slots.map { $0! }
}
