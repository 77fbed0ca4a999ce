using System.Text;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// Judges one case: Odoo must have received, one per connection and nothing else on it, a prefix of the requests the
/// strict parser reads from the client's bytes, each with the same method, target and body; a 2xx may only answer a
/// request Odoo received; whatever the parser calls invalid must be refused (an answer of 400 or more, or a close)
/// and never reach Odoo, in whole or in part.
/// </summary>
internal static class CaseJudge
{
    public static CaseOutcome Judge(FuzzCase fuzzCase, IReadOnlyList<int> statuses, bool closed, IReadOnlyList<UpstreamRecording> odoo)
    {
        var client = StrictHttpParser.Parse(fuzzCase.Bytes);
        var lenient = StrictHttpParser.Parse(fuzzCase.Bytes, lenient: true);
        var received = new List<ParsedRequest>();
        var forwardedLeniencies = new SortedSet<string>(StringComparer.Ordinal);
        var streamedStart = false;
        // A connection that carried no byte is the proxy's connection pool opening one ahead: no request reached Odoo on it.
        foreach (var recording in odoo.Where(r => r.Bytes.Length > 0))
        {
            // What the proxy passes on as it came (a control character in a value) is read leniently on Odoo's side too.
            var parsed = StrictHttpParser.Parse(recording.Bytes, lenient: true);
            forwardedLeniencies.UnionWith(parsed.Leniencies);
            // The gevent routes stream the body (documented in RequestFramingTests): when the client's body turns out
            // invalid or the client leaves, Odoo has seen the start of a request that never ends, never a request.
            if (parsed is { Requests.Count: 0, Incomplete: true } && !lenient.Valid && Encoding.Latin1.GetString(recording.Bytes).Split(' ') is [_, var path, ..]
                && path.StartsWith("/longpolling/", StringComparison.Ordinal))
            {
                streamedStart = true;
                continue;
            }
            if (parsed.Requests.Count != 1 || !parsed.Valid || parsed.Ignored > 0)
                return Mismatch($"Odoo connection {recording.Number} carried {parsed}, not exactly one request");
            received.Add(parsed.Requests[0]);
        }

        var expected = client.Requests;
        var tolerated = false;
        var difference = Difference(expected, received);
        if (difference is not null || forwardedLeniencies.Count > 0)
        {
            if (Difference(lenient.Requests, received) is null)
            {
                (expected, difference, tolerated) = (lenient.Requests, null, true);
                client = lenient;
            }
        }
        if (difference is not null) return Mismatch(difference);

        for (var k = received.Count; k < statuses.Count; k++)
        {
            if (statuses[k] < 400) return Mismatch($"answer {statuses[k]} to request {k}, which Odoo never received");
        }
        var answer = statuses.Count > received.Count ? statuses[received.Count].ToString(System.Globalization.CultureInfo.InvariantCulture) : closed ? "closed" : "none";
        if (received.Count == expected.Count && client.Valid)
            return tolerated ? new CaseOutcome(CaseOutcome.Tolerated, string.Join(" + ", client.Leniencies.Union(forwardedLeniencies).Order(StringComparer.Ordinal))) : new CaseOutcome(CaseOutcome.Matched, "-");
        var note = streamedStart ? "; the gevent route had streamed the request's start to Odoo" : "";
        if (fuzzCase.EarlyClose) return new CaseOutcome(CaseOutcome.ClientLeft, answer + note);
        // An incomplete request (a length longer than what was sent): the proxy waits for the rest, as it should.
        if (answer == "none" && (client.Incomplete || lenient.Incomplete)) return new CaseOutcome(CaseOutcome.RefusedInvalid, "waiting for the rest" + note);
        if (answer == "none") return Mismatch($"request {received.Count} neither forwarded, answered nor closed ({client})");
        return new CaseOutcome(received.Count < expected.Count ? CaseOutcome.RefusedValid : CaseOutcome.RefusedInvalid, answer + note);

        CaseOutcome Mismatch(string detail) => new(CaseOutcome.Mismatch, "-", $"{detail}; client bytes: {client}");
    }

    // Null when Odoo's requests are, in order, the first of the client's ones.
    private static string? Difference(IReadOnlyList<ParsedRequest> sent, List<ParsedRequest> received)
    {
        if (received.Count > sent.Count) return $"Odoo received {received.Count} requests, the client validly sent {sent.Count}";
        for (var i = 0; i < received.Count; i++)
        {
            var (a, b) = (sent[i], received[i]);
            if (a.Method != b.Method) return $"request {i}: method {a.Method} became {b.Method}";
            if (a.Target != b.Target) return $"request {i}: target {Short(a.Target)} became {Short(b.Target)}";
            if (!a.Body.AsSpan().SequenceEqual(b.Body)) return $"request {i}: body of {a.Body.Length} bytes became {b.Body.Length} bytes ({Short(Encoding.Latin1.GetString(b.Body))})";
        }
        return null;
    }

    private static string Short(string s) => StrictHttpParser.Printable(s.Length > 60 ? s[..60] + "..." : s);
}
