using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>What happened to one request.</summary>
internal sealed record RequestResult(string Operation, string Outcome, int Status, byte[]? Body)
{
    /// <summary>Why a capture failed, else null.</summary>
    public string? Reason { get; init; }
}
