import Foundation
import HubResolver
import Testing

// MARK: - The compressed-format request URL, as tensorflow_hub forms it

@Suite struct RequestURLTests {
    /// The examples reproduced with tensorflow_hub 0.15 in tf-hub-format.md section 2.3.
    @Test(arguments: [
        ("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/1",
         "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/1?tf-hub-format=compressed"),
        ("https://example.com/m.tar.gz?a=1&b=", "https://example.com/m.tar.gz?a=1&tf-hub-format=compressed"),
        ("https://x/y?tf-hub-format=compressed", "https://x/y?tf-hub-format=compressed&tf-hub-format=compressed"),
        ("https://hub.tensorflow.google.cn/google/imagenet/nasnet_mobile/feature_vector/1",
         "https://gcs.tensorflow.google.cn/tfhub-modules/google/imagenet/nasnet_mobile/feature_vector/1.tar.gz"),
    ])
    func documentedExamples(handle: String, request: String) {
        #expect(ModuleResolver.requestURL(for: handle) == request)
    }

    /// Harder queries, compared with hub's own recipe run in Python (parse_qsl, append, urlencode).
    @Test func matchesPythonUrllib() throws {
        let handles = [
            "http://h/p", "http://h/p?", "http://h/p?flag", "http://h/p?a=1&a=2", "http://h/p?k=v%20w+x",
            "http://h/p?sp=a b&pl=1+1", "http://h/p?u=%C3%BC&e=%E2%82%AC", "http://h/p?x=1#frag",
            "https://h:8443/a/b/?q=%2F%3F%26", "http://h/p?a==b&=c", "http://h/p?t=~_.-*!'()",
        ]
        let script = """
            import sys, urllib.parse
            for h in sys.stdin.read().split("\\n")[:-1]:
                parsed = list(urllib.parse.urlparse(h))
                qsl = urllib.parse.parse_qsl(parsed[4])
                qsl.append(("tf-hub-format", "compressed"))
                parsed[4] = urllib.parse.urlencode(qsl)
                print(urllib.parse.urlunparse(parsed))
            """
        let expected = try runPython(script, input: handles.map { $0 + "\n" }.joined())
            .split(separator: "\n").map(String.init)
        #expect(expected.count == handles.count)
        for (handle, request) in zip(handles, expected) {
            #expect(ModuleResolver.requestURL(for: handle) == request, "\(handle)")
        }
    }

    @Test func localHandlesHaveNoRequestURL() {
        #expect(ModuleResolver.requestURL(for: "/tmp/module") == nil)
        #expect(ModuleResolver.requestURL(for: "file:///tmp/module.tar.gz") == nil)
    }
}
