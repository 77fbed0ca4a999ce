namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>The result of classifying method and path: a final operation, or a fallback plus the need to peek at the body.</summary>
public readonly struct RouteClassification
{
    internal RouteClassification(Operation operation, RouteHandling bodyHandling)
    {
        Operation = operation;
        BodyHandling = bodyHandling;
    }

    /// <summary>The operation when <see cref="NeedsBody"/> is false; otherwise the name to use if the body cannot be read.</summary>
    public Operation Operation { get; }

    /// <summary>True when <see cref="RequestClassifier.ClassifyBody"/> should be called with the buffered body.</summary>
    public bool NeedsBody => BodyHandling != RouteHandling.Named;

    internal RouteHandling BodyHandling { get; }

    /// <inheritdoc />
    public override string ToString() => NeedsBody ? $"{Operation.Name} (needs body)" : Operation.Name;
}
