using System.Text.Json;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>A request as the client sent it and what came back (the JSON answer for JSON-RPC).</summary>
public sealed record SentRequest(string Tag, string Path, int Status, JsonElement? Answer)
{
    /// <summary>Odoo's XML answer to an XML-RPC call.</summary>
    public string? XmlAnswer { get; init; }

    /// <summary>True when Odoo answered an XML-RPC call with a <c>&lt;fault&gt;</c>.</summary>
    public bool IsXmlFault => XmlAnswer?.Contains("<fault>", StringComparison.Ordinal) == true;

    /// <summary>The last part of <c>error.data.name</c> when Odoo answered a JSON-RPC error.</summary>
    public string? ErrorClass => Answer is { } answer && answer.TryGetProperty("error", out var error)
        ? error.GetProperty("data").GetProperty("name").GetString()!.Split('.')[^1]
        : null;
}
