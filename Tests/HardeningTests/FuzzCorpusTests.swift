import Foundation
import FuzzTargets
import Testing

@Suite struct FuzzCorpusTests {
    @Test func placeholder() {}
}
