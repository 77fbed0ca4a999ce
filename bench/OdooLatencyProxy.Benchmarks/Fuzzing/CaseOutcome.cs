namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// How one case ended. Categories: accepted-matched (every request reached Odoo as a strict parser reads it),
/// tolerated (invalid, but every request reached Odoo as the strict parser's lenient reading, which names the
/// normalisation in Answer), refused-invalid
/// (the invalid part was refused and nothing of it reached Odoo), refused-valid (a valid request refused by a limit),
/// client-left (the client closed early and nothing incomplete reached Odoo), mismatch (Detail says what).
/// Otherwise Answer is the proxy's answer to the first request it did not forward (a status, "closed" or "none").
/// </summary>
internal sealed record CaseOutcome(string Category, string Answer, string? Detail = null)
{
    public const string Matched = "accepted-matched";
    public const string Tolerated = "tolerated";
    public const string RefusedInvalid = "refused-invalid";
    public const string RefusedValid = "refused-valid";
    public const string ClientLeft = "client-left";
    public const string Mismatch = "mismatch";
}
