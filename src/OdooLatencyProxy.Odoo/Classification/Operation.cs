namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>A named business operation; instances are cached and shared, so compare and use them freely on the hot path.</summary>
public sealed class Operation
{
    internal Operation(string name, double? thresholdSeconds = null)
    {
        Name = name;
        ThresholdSeconds = thresholdSeconds;
    }

    /// <summary>The value of the <c>odoo.operation</c> attribute, e.g. <c>sale_order.confirm</c>.</summary>
    public string Name { get; }

    /// <summary>Latency threshold in seconds from configuration, or null when none is set.</summary>
    public double? ThresholdSeconds { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
