using System.Text;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Tests.TestData;
using static OdooLatencyProxy.Odoo.Tests.Classification.Bodies;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

/// <summary>Random, mutated and truncated bodies: nothing may throw out of the classifier or the outcome detector.</summary>
public sealed class FuzzTests
{
    private static readonly string[] BodyPaths = ["/web/dataset/call_button", "/web/dataset/call_kw", "/jsonrpc", "/xmlrpc/2/object", "/web/action/run"];

    private readonly RequestClassifier _classifier = new();

    public static TheoryData<string> RealBodies => new()
    {
        Encoding.UTF8.GetString(CapturedExchange.BySeq[63].RequestBody),   // browser call_button
        Encoding.UTF8.GetString(CapturedExchange.BySeq[145].RequestBody),  // Python call_button
        Encoding.UTF8.GetString(JsonRpcExecuteKw("sale.order", "action_confirm")),
        Encoding.UTF8.GetString(XmlRpcExecuteKw("account.move", "action_post")),
        Encoding.UTF8.GetString(ActionRun("512")),
    };

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(1);
        for (var i = 0; i < 20_000; i++)
        {
            var body = new byte[random.Next(0, 600)];
            random.NextBytes(body);
            ClassifyEverywhere(body);
            DetectEverywhere(body);
        }
    }

    [Fact]
    public void RandomJsonAndXmlShapedBytes_NeverThrow()
    {
        // Bytes drawn from the tokens of the formats reach deeper into the readers than uniform noise.
        string[] tokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00", "params", "model", "method", "args", "action_id", "service",
            "error", "result", "data", "name", "code", "100", "-1e999", "null", "<param>", "</param>", "<value>", "</value>", "<string>",
            "</string>", "<methodName>", "execute_kw", "<fault>", "<methodResponse>", "faultCode</name>", "<int>", " ", "\n", "\u00e9", "\0"];
        var random = new Random(2);
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Clear();
            for (var n = random.Next(0, 80); n > 0; n--)
            {
                text.Append(tokens[random.Next(tokens.Length)]);
            }

            var body = Encoding.UTF8.GetBytes(text.ToString());
            ClassifyEverywhere(body);
            DetectEverywhere(body);
        }
    }

    [Theory]
    [MemberData(nameof(RealBodies))]
    public void MutatedRealBodies_NeverThrow(string original)
    {
        var random = new Random(original.Length);
        var source = Encoding.UTF8.GetBytes(original);
        for (var i = 0; i < 5_000; i++)
        {
            var body = source.ToList();
            for (var m = random.Next(1, 6); m > 0 && body.Count > 0; m--)
            {
                var at = random.Next(body.Count);
                switch (random.Next(3))
                {
                    case 0: body[at] = (byte)random.Next(256); break;
                    case 1: body.RemoveAt(at); break;
                    default: body.Insert(at, (byte)"{}[]\",:\\<>/"[random.Next(11)]); break;
                }
            }

            ClassifyEverywhere([.. body]);
            DetectEverywhere([.. body]);
        }
    }

    [Theory]
    [MemberData(nameof(RealBodies))]
    public void EveryTruncationOfARealBody_NeverThrows_AndFallsBackToThePath(string original)
    {
        var body = Encoding.UTF8.GetBytes(original);
        foreach (var path in BodyPaths)
        {
            var route = _classifier.ClassifyRoute("POST", path);
            for (var length = 0; length < body.Length; length++)
            {
                var prefix = body.AsSpan(0, length);

                // A truncated body the proxy received whole (the client sent only this much)...
                var asWhole = _classifier.ClassifyBody(route, "POST", path, prefix, length);
                // ...and a prefix of a longer body.
                var asPrefix = _classifier.ClassifyBody(route, "POST", path, prefix, body.Length);

                Assert.Equal(route.Operation, asPrefix);
                if (!path.StartsWith("/xmlrpc", StringComparison.Ordinal))
                {
                    // JSON cut anywhere is malformed. (XML-RPC is scanned, not parsed: a cut after the 5th <param> still names it.)
                    Assert.Equal(route.Operation, asWhole);
                }
            }
        }
    }

    [Fact]
    public void EveryTruncationOfARealErrorResponse_NeverThrows_AndFindsTheClassOnceItIsVisible()
    {
        var body = CapturedExchange.BySeq[121].ResponseBody;
        var nameEnd = Encoding.UTF8.GetString(body).IndexOf("UserError\"", StringComparison.Ordinal) + "UserError\"".Length;
        for (var length = 0; length <= body.Length; length++)
        {
            var outcome = ResponseOutcomeDetector.Detect(200, "application/json; charset=utf-8", "", body.AsSpan(0, length), length == body.Length);

            if (length >= nameEnd)
            {
                Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.UserError), outcome);
            }
            else
            {
                Assert.Contains(outcome.Outcome, new[] { OdooOutcome.Ok, OdooOutcome.RpcError });
            }
        }
    }

    private void ClassifyEverywhere(byte[] body)
    {
        foreach (var path in BodyPaths)
        {
            Assert.NotNull(_classifier.Classify("POST", path, body));
        }
    }

    private static void DetectEverywhere(byte[] body)
    {
        foreach (var contentType in new[] { "application/json", "text/xml" })
        {
            ResponseOutcomeDetector.Detect(200, contentType, "", body, isCompleteBody: true);
            ResponseOutcomeDetector.Detect(200, contentType, "", body, isCompleteBody: false);
            ResponseOutcomeDetector.Detect(200, contentType, "gzip", body, isCompleteBody: false);
            ResponseOutcomeDetector.Detect(200, contentType, "br", body, isCompleteBody: false);
        }
    }
}
