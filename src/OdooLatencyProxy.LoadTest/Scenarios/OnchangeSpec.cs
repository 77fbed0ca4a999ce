using System.Text.Json.Nodes;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary><c>onchange</c> of a new record: model, initial values and the fields specification (17's shape; 16's is derived).</summary>
internal sealed record OnchangeSpec
{
    /// <summary>Odoo model, e.g. <c>sale.order</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Values of the record so far. Default <c>{}</c>.</summary>
    public JsonObject? Values { get; init; }

    /// <summary>Fields specification as 17+ take it: <c>{"partner_id": {}, "order_line": {"fields": {"product_id": {}}}}</c>.</summary>
    public JsonObject? Spec { get; init; }

    /// <summary>Keyword arguments. Default <c>{"context": {}}</c>.</summary>
    public JsonObject? Kwargs { get; init; }
}
