namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>An outcome and, for <c>rpc_error</c>, the error class; a small value safe to log (it never holds body content).</summary>
public readonly record struct ResponseOutcome(OdooOutcome Outcome, OdooErrorClass ErrorClass = OdooErrorClass.None)
{
    /// <summary>The <c>ok</c> outcome.</summary>
    public static ResponseOutcome Ok => default;

    /// <summary>The <c>odoo.outcome</c> attribute value.</summary>
    public string OutcomeName => Outcome.ToAttributeValue();

    /// <summary>The <c>odoo.error</c> attribute value, or null when there is none.</summary>
    public string? ErrorName => ErrorClass.ToAttributeValue();

    /// <inheritdoc />
    public override string ToString() => ErrorName is { } error ? $"{OutcomeName}/{error}" : OutcomeName;
}
