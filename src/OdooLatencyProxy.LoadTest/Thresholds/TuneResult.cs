namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>The proposals and what was left out, with reasons.</summary>
internal sealed record TuneResult(IReadOnlyList<Proposal> Proposals, IReadOnlyList<string> Skipped, TuneSettings Settings, string Source);
