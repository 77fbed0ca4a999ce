using System.Text.Json.Nodes;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>One request, in one of the Odoo shapes or raw. Strings may hold <c>{{name}}</c> placeholders.</summary>
internal sealed record RequestSpec
{
    /// <summary>Web client ORM call: <c>POST /web/dataset/call_kw/&lt;model&gt;/&lt;method&gt;</c>.</summary>
    public RpcSpec? CallKw { get; init; }

    /// <summary>Web client button: <c>POST /web/dataset/call_button</c> (16/17 body, 18+ URL).</summary>
    public RpcSpec? CallButton { get; init; }

    /// <summary>External API <c>execute_kw</c> over XML-RPC (<c>transport: xmlrpc</c>, default) or <c>/jsonrpc</c>.</summary>
    public RpcSpec? ExecuteKw { get; init; }

    /// <summary>A page or asset load: <c>GET</c> of this path (query allowed).</summary>
    public string? Get { get; init; }

    /// <summary>Raw request: HTTP method. Default GET, or POST when a body is given.</summary>
    public string? Method { get; init; }

    /// <summary>Raw request: path and query.</summary>
    public string? Path { get; init; }

    /// <summary>Raw request: body, a JSON value (sent as JSON) or a string (sent as is).</summary>
    public JsonNode? Body { get; init; }

    /// <summary>Raw request: content type. Default <c>application/json</c> for a JSON body, else <c>text/plain</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Extra request headers (e.g. <c>X-Sim-Delay-Ms</c> for the simulator; a real Odoo ignores them).</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>The web client's <c>onchange</c> for a new record, shaped for the server's version (16 or 17+).</summary>
    public OnchangeSpec? Onchange { get; init; }

    /// <summary>Values taken from the JSON answer for the next requests of the step: name to path, e.g. <c>{"order_id": "result[0].id"}</c>.</summary>
    public Dictionary<string, string>? Capture { get; init; }

    /// <summary>Replacements for other Odoo major versions, e.g. <c>{"16": { ... }}</c>: the server's version picks one, else this request.</summary>
    public Dictionary<string, RequestSpec>? Variants { get; init; }
}
