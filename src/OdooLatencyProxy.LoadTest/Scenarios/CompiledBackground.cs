namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A loop running beside the mix.</summary>
internal sealed record CompiledBackground(string Name, int Users, ThinkTime ThinkTime, CompiledStep Step, bool SimulatorOnly);
