import VellumServer
import XCTest

/// The binding rules: loopback by default; anything else needs the explicit flag and a key.
final class ServerConfigurationTests: XCTestCase {
    func testLoopbackNeedsNothing() throws {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1"] {
            XCTAssertNoThrow(try ServerConfiguration(host: host, apiKey: nil, allowRemote: false, modelName: "m"), host)
        }
    }

    func testOtherAddressesNeedTheFlagAndAKey() {
        for host in ["0.0.0.0", "192.168.1.20", "::", "128.0.0.1", "127.0.0"] {
            XCTAssertThrowsError(try ServerConfiguration(host: host, apiKey: "k", allowRemote: false, modelName: "m")) {
                XCTAssertEqual($0 as? ServerConfigurationError, .remoteNeedsFlag(host: host))
            }
            XCTAssertThrowsError(try ServerConfiguration(host: host, apiKey: nil, allowRemote: true, modelName: "m")) {
                XCTAssertEqual($0 as? ServerConfigurationError, .remoteNeedsKey(host: host))
            }
            XCTAssertNoThrow(try ServerConfiguration(host: host, apiKey: "k", allowRemote: true, modelName: "m"))
        }
    }

    func testBadValuesAreNamed() {
        XCTAssertThrowsError(try ServerConfiguration(port: 70_000, apiKey: nil, allowRemote: false, modelName: "m")) {
            XCTAssertEqual($0 as? ServerConfigurationError, .invalidPort(70_000))
        }
        XCTAssertThrowsError(try ServerConfiguration(apiKey: "  ", allowRemote: false, modelName: "m")) {
            XCTAssertEqual($0 as? ServerConfigurationError, .emptyAPIKey)
        }
    }
}
