namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Where a captured value lies: in the body, or unescaped into the caller's scratch buffer.</summary>
internal readonly record struct FieldRef(int Start, int Length, bool InScratch, bool Invalid)
{
    // A value that fails name validation: marks a field that was present but unusable (too long, not a string).
    public static FieldRef Unusable { get; } = new(0, 0, false, true);

    public ReadOnlySpan<byte> Resolve(ReadOnlySpan<byte> body, ReadOnlySpan<byte> scratch) =>
        Invalid ? "!"u8 : (InScratch ? scratch : body).Slice(Start, Length);
}
