import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, plus the connection, whose closing cancels the request's
/// generation (a client that goes away stops costing model time).
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
