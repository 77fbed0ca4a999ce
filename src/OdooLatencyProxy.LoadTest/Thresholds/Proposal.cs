using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>A proposed threshold for one operation.</summary>
internal sealed record Proposal(string Operation, long Count, double BaselineSeconds, double ThresholdSeconds);
