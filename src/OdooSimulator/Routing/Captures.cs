using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace OdooSimulator.Routing;

/// <summary>Response bodies copied from real Odoo 17 captures, embedded in the assembly (see Captures/README.md).</summary>
internal static class Captures
{
    private static readonly ConcurrentDictionary<string, byte[]> Cache = new(StringComparer.Ordinal);

    public static byte[] Bytes(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(Captures).Assembly.GetManifestResourceStream("Captures/" + n)
            ?? throw new InvalidOperationException($"Embedded capture '{n}' is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    /// <summary>A fresh, mutable copy of a captured JSON document.</summary>
    public static JsonNode Json(string name) => JsonNode.Parse(Bytes(name))!;

    /// <summary>The <c>odoo.__session_info__</c> object of the captured <c>/web</c> page: what login returns in Odoo 17.</summary>
    public static JsonObject SessionInfo()
    {
        const string marker = "odoo.__session_info__ = ";
        var page = Text("webclient.html");
        var start = page.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var end = page.IndexOf(";\n", start, StringComparison.Ordinal);
        return JsonNode.Parse(page[start..end])!.AsObject();
    }
}
