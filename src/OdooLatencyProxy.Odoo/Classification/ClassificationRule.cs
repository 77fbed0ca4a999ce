namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>A user rule: every criterion that is set must match; a rule without criteria only sets the threshold of the operation it names.</summary>
public sealed record ClassificationRule
{
    /// <summary>Operation name given to matching requests: lower case letters, digits, <c>_</c> and <c>.</c>. Required.</summary>
    public string? Name { get; init; }

    /// <summary>Path glob: <c>*</c> matches within a segment, <c>**</c> across segments, <c>?</c> one character. Default none.</summary>
    public string? Path { get; init; }

    /// <summary>Path regular expression (.NET syntax, unanchored unless you anchor it); not with <see cref="Path"/>. Default none.</summary>
    public string? PathRegex { get; init; }

    /// <summary>HTTP method, case-insensitive (e.g. <c>POST</c>). Default any.</summary>
    public string? HttpMethod { get; init; }

    /// <summary>Odoo model the RPC targets, exact (e.g. <c>sale.order</c>). Default any.</summary>
    public string? Model { get; init; }

    /// <summary>Model method the RPC calls, exact (e.g. <c>action_confirm</c>). Default any.</summary>
    public string? Method { get; init; }

    /// <summary>Server action id or XML id run through <c>/web/action/run</c>, exact; not with Model or Method. Default any.</summary>
    public string? ActionId { get; init; }

    /// <summary>Latency threshold in seconds for this operation (alerting, histogram bucket edge). Default none.</summary>
    public double? ThresholdSeconds { get; init; }
}
