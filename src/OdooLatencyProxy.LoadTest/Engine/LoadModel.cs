namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Open (arrival rate) or closed (users with think time) load.</summary>
internal enum LoadModel
{
    Open,
    Closed,
}
