using System.Text;
using System.Text.Json;

namespace OdooLatencyProxy.Odoo.Tests.TestData;

/// <summary>One exchange of odoo17-webclient.jsonl, the real Odoo 17 traffic copied into this project.</summary>
public sealed record CapturedExchange(
    int Seq,
    string Flow,
    string Method,
    string Path,
    byte[] RequestBody,
    int Status,
    string ContentType,
    string ContentEncoding,
    byte[] ResponseBody,
    bool ResponseTruncated)
{
    private static readonly Lazy<IReadOnlyDictionary<int, CapturedExchange>> All = new(Load);

    public static IReadOnlyDictionary<int, CapturedExchange> BySeq => All.Value;

    public override string ToString() => $"#{Seq} {Method} {Path}";

    private static Dictionary<int, CapturedExchange> Load()
    {
        var file = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "odoo17-webclient.jsonl");
        var exchanges = new Dictionary<int, CapturedExchange>();
        foreach (var line in File.ReadLines(file))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var request = root.GetProperty("request");
            var response = root.GetProperty("response");
            var headers = response.GetProperty("headers");
            var exchange = new CapturedExchange(
                root.GetProperty("seq").GetInt32(),
                root.GetProperty("flow").GetString()!,
                request.GetProperty("method").GetString()!,
                request.GetProperty("path").GetString()!,
                Body(request),
                response.GetProperty("status").GetInt32(),
                Header(headers, "Content-Type"),
                Header(headers, "Content-Encoding"),
                Body(response),
                response.TryGetProperty("truncated", out var t) && t.GetBoolean());
            exchanges.Add(exchange.Seq, exchange);
        }

        return exchanges;
    }

    private static byte[] Body(JsonElement message)
    {
        if (message.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String)
        {
            return Encoding.UTF8.GetBytes(body.GetString()!);
        }

        return message.TryGetProperty("body_b64", out var b64) && b64.ValueKind == JsonValueKind.String
            ? Convert.FromBase64String(b64.GetString()!)
            : [];
    }

    private static string Header(JsonElement headers, string name)
    {
        foreach (var header in headers.EnumerateObject())
        {
            if (header.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value.GetString() ?? "";
            }
        }

        return "";
    }
}
