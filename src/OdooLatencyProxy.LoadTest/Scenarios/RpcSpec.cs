using System.Text.Json.Nodes;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>An ORM call: model, method, positional and keyword arguments.</summary>
internal sealed record RpcSpec
{
    /// <summary>Odoo model, e.g. <c>sale.order</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Model method, e.g. <c>action_confirm</c>.</summary>
    public string Method { get; init; } = "";

    /// <summary>Positional arguments. Default <c>[]</c>.</summary>
    public JsonArray? Args { get; init; }

    /// <summary>Keyword arguments. Default <c>{"context": {}}</c> (web client) or <c>{}</c> (API).</summary>
    public JsonObject? Kwargs { get; init; }

    /// <summary><c>execute_kw</c> only: <c>xmlrpc</c> (default) or <c>jsonrpc</c>.</summary>
    public string? Transport { get; init; }
}
