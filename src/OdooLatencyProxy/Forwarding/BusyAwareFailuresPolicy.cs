using System.Runtime.CompilerServices;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// YARP's consecutive-failures policy, except that a probe skipped because every worker was busy
/// (<see cref="AdmittedProbeHandler"/>) neither counts as a failure nor as a success.
/// </summary>
internal sealed class BusyAwareFailuresPolicy(ProxyOptions options, IDestinationHealthUpdater updater) : IActiveHealthCheckPolicy
{
    /// <summary>The policy's name in the cluster configuration.</summary>
    public const string PolicyName = "ConsecutiveFailuresUnlessBusy";

    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failures = [];

    public string Name => PolicyName;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        ArgumentNullException.ThrowIfNull(probingResults);
        var changes = new List<NewActiveDestinationHealth>(probingResults.Count);
        foreach (var result in probingResults)
        {
            if (AdmittedProbeHandler.WasSkipped(result.Response)) continue;
            var failures = _failures.GetValue(result.Destination, _ => new StrongBox<int>());
            DestinationHealth health;
            if (result.Response is { IsSuccessStatusCode: true })
            {
                Interlocked.Exchange(ref failures.Value, 0);
                health = DestinationHealth.Healthy;
            }
            else
            {
                health = Interlocked.Increment(ref failures.Value) < options.HealthCheckFailureThreshold
                    ? result.Destination.Health.Active
                    : DestinationHealth.Unhealthy;
            }
            changes.Add(new NewActiveDestinationHealth(result.Destination, health));
        }
        if (changes.Count > 0) updater.SetActive(cluster, changes);
    }
}
