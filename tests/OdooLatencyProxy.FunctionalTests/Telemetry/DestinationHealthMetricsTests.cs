using Microsoft.AspNetCore.Http;
using System.Text.RegularExpressions;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Telemetry;

public sealed partial class DestinationHealthMetricsTests
{
    [Fact]
    public async Task OdooHostFailingItsHealthCheck_IsReportedUnhealthyOnMetrics_ThenHealthyAgain()
    {
        await using var odoo = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        var options = TestProxy.Options(odoo.Uri) with
        {
            HealthCheckInterval = TimeSpan.FromMilliseconds(200),
            HealthCheckTimeout = TimeSpan.FromSeconds(2),
            HealthCheckFailureThreshold = 1,
        };
        await using var proxy = await TestProxy.StartAsync(options);
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        var destination = odoo.Uri.Authority;

        async Task<string?> HealthAsync()
        {
            var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("odoo_destination_healthy{", StringComparison.Ordinal)
                && l.Contains($"odoo_destination=\"{destination}\"", StringComparison.Ordinal) && l.Contains("odoo_pool=\"odoo\"", StringComparison.Ordinal));
            return line is null ? null : Value().Match(line).Groups[1].Value;
        }

        await Wait.UntilAsync(async () => await HealthAsync() == "1", "destination reported healthy");
        odoo.HealthStatus = 500;
        await Wait.UntilAsync(async () => await HealthAsync() == "0", "destination reported unhealthy");
        odoo.HealthStatus = 200;
        await Wait.UntilAsync(async () => await HealthAsync() == "1", "destination reported healthy again");
    }

    [GeneratedRegex(@"\}\s+(\S+)")]
    private static partial Regex Value();
}
