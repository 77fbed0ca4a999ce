namespace OdooLatencyProxy.Collector;

/// <summary>Hears each pg_stat_activity sample once <see cref="ActivityHistory"/> holds it (on the probe's thread).</summary>
public interface IActivitySampleListener
{
    /// <summary>A sample was added at <see cref="ActivityHistory.LastSampleAt"/>. Must be quick and must not throw.</summary>
    void Sampled(ActivityHistory history);
}
