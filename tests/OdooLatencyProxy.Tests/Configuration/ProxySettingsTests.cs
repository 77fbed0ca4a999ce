using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Tests.Configuration;

public sealed class ProxySettingsTests
{
    private static ProxyOptions Load(params (string Key, string Value)[] settings) =>
        ProxySettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Defaults_MatchOdoosNginxDeployment()
    {
        var options = Load();

        Assert.Equal("http://0.0.0.0:8080", options.Listen);
        Assert.Equal("http://127.0.0.1:9090", options.AdminListen);
        Assert.Equal([new UpstreamDestination(new Uri("http://127.0.0.1:8069"))], options.Upstreams);
        Assert.Equal([new UpstreamDestination(new Uri("http://127.0.0.1:8072"))], options.GeventUpstreams);
        Assert.Equal(TimeSpan.FromSeconds(720), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(720), options.EffectiveWebSocketIdleTimeout);
        Assert.Equal(128L * 1024 * 1024, options.MaxRequestBodyBytes);
        Assert.True(options.RequestBuffering);
        Assert.True(options.ResponseBuffering);
        // Never reject what nginx would have served: no worker limit, no queue limit unless configured.
        Assert.Equal(0, options.Workers);
        Assert.Equal(0, options.MaxQueueLength);
        Assert.Null(options.MaxQueueWait);
        // Odoo's database manager is closed unless networks are allowed; no other path is closed by default.
        Assert.Empty(options.AllowDatabaseManager);
        Assert.Empty(options.BlockedPaths);
    }

    [Fact]
    public void ConfiguredLists_ReplaceTheDefaults()
    {
        var options = Load(("Proxy:Upstreams:0", "http://odoo-a:8069;workers=12"), ("Proxy:Upstreams:1", "http://odoo-b:8069"), ("Proxy:Workers", "4"));

        Assert.Equal([new UpstreamDestination(new Uri("http://odoo-a:8069"), 12), new UpstreamDestination(new Uri("http://odoo-b:8069"))], options.Upstreams);
        // The worker limit: a host's own ;workers=N, else --workers.
        Assert.Equal([12, 4], options.Upstreams.Select(options.WorkerLimit));
    }

    [Theory]
    [InlineData("Proxy:Workers", "-1", "Proxy:Workers")]
    [InlineData("Proxy:Workers", "eight", "Proxy:Workers")]
    [InlineData("Proxy:MaxQueueLength", "-5", "Proxy:MaxQueueLength")]
    [InlineData("Proxy:MaxQueueWait", "00:00:00", "Proxy:MaxQueueWait")]
    [InlineData("Proxy:RetryAfterSeconds", "-1", "Proxy:RetryAfterSeconds")]
    [InlineData("Proxy:Timeout", "-00:00:01", "Proxy:Timeout")]
    [InlineData("Proxy:Timeout", "soon", "Proxy:Timeout")]
    [InlineData("Proxy:WebSocketIdleTimeout", "00:00:00", "Proxy:WebSocketIdleTimeout")]
    [InlineData("Proxy:MaxRequestBodyBytes", "0", "Proxy:MaxRequestBodyBytes")]
    [InlineData("Proxy:BufferMemoryBytes", "-1", "Proxy:BufferMemoryBytes")]
    [InlineData("Proxy:MaxResponseBufferBytes", "-1", "Proxy:MaxResponseBufferBytes")]
    [InlineData("Proxy:TempDirectory", "/no/such/folder", "Proxy:TempDirectory")]
    [InlineData("Proxy:HealthCheckInterval", "00:00:00", "Proxy:HealthCheckInterval")]
    [InlineData("Proxy:HealthCheckTimeout", "00:00:00", "Proxy:HealthCheckTimeout")]
    [InlineData("Proxy:HealthCheckFailureThreshold", "0", "Proxy:HealthCheckFailureThreshold")]
    [InlineData("Proxy:SocketThreads", "0", "Proxy:SocketThreads")]
    [InlineData("Proxy:DrainTimeout", "-00:00:01", "Proxy:DrainTimeout")]
    [InlineData("Proxy:TrustedProxies:0", "the-front", "Proxy:TrustedProxies")]
    [InlineData("Proxy:AllowDatabaseManager:0", "office", "Proxy:AllowDatabaseManager")]
    [InlineData("Proxy:AllowDatabaseManager:0", "10.0.0.0/33", "Proxy:AllowDatabaseManager")]
    [InlineData("Proxy:BlockedPaths:0", "xmlrpc/2/db", "Proxy:BlockedPaths")]
    [InlineData("Proxy:Listen", "https://0.0.0.0:8443", "Proxy:Listen")]
    [InlineData("Proxy:Listen", "http://example.com:8080", "Proxy:Listen")]
    [InlineData("Proxy:AdminListen", "not a url", "Proxy:AdminListen")]
    [InlineData("Proxy:Upstreams:0", "odoo:8069", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "ftp://odoo:8069", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "http://odoo:8069;workers=many", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "http://odoo:8069/?db=x", "Proxy:Upstreams:0")]
    [InlineData("Proxy:GeventUpstreams:0", "ws://odoo:8072", "Proxy:GeventUpstreams:0")]
    [InlineData("Proxy:Wrokers", "8", "Proxy:Wrokers")]
    [InlineData("Telemetry:SlowRequests", "-1", "Telemetry:SlowRequests")]
    [InlineData("Telemetry:SlowRequests", "10001", "Telemetry:SlowRequests")]
    [InlineData("Telemetry:SlowRequestThreshold", "00:00:00", "Telemetry:SlowRequestThreshold")]
    [InlineData("Collector:ActivityHistory", "0", "Collector:ActivityHistory")]
    public void InvalidSetting_StopsStartUp_NamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.Equal(named, Assert.Single(error.Errors).Setting);
        Assert.StartsWith($"Invalid configuration: {named}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Collector:PollInterval", "00:00:05")]
    [InlineData("Telemetry:Enable", "false")]
    [InlineData("Classification:Rules:0:Nmae", "x")]
    [InlineData("Classification:BodyPeek", "10")]
    public void UnknownSetting_InAnySection_IsRefused(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.Contains(error.Errors, e => e.Setting == key && e.Problem.StartsWith("unknown setting", StringComparison.Ordinal));
    }

    [Fact]
    public void SeveralBadSettings_AreReportedTogether_EachWithItsFlag()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(
            ("Proxy:Workers", "-2"), ("Proxy:Timeout", "soon"), ("Proxy:Upstreams:0", "odoo"),
            ("Telemetry:SaturationThreshold", "2"), ("Collector:CronInterval", "00:00:00"), ("Collector:Wrong", "1")));

        Assert.Equal(
            [
                "Invalid configuration: Proxy:Timeout (--timeout): 'soon' is not a duration written hh:mm:ss (e.g. 00:00:30)",
                "Invalid configuration: Proxy:Upstreams:0 (--upstream): 'odoo' is not an http:// or https:// URL",
                "Invalid configuration: Proxy:Workers (--workers): must be 0 (not limited) or more, got -2",
                "Invalid configuration: Telemetry:SaturationThreshold: must be within (0, 1], got 2",
                "Invalid configuration: Collector:Wrong: unknown setting (see docs/configuration.md for the valid ones)",
                "Invalid configuration: Collector:CronInterval: must be positive, got 00:00:00",
            ],
            error.Message.Split('\n'));
    }

    [Fact]
    public void SeveralOutOfRangeSettings_AreReportedTogether()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(("Proxy:Workers", "-2"), ("Proxy:MaxQueueLength", "-1"), ("Collector:CronInterval", "00:00:00")));

        Assert.Equal(["Proxy:Workers", "Proxy:MaxQueueLength", "Collector:CronInterval"], error.Errors.Select(e => e.Setting));
        Assert.Equal(["--workers", "--max-queue", null], error.Errors.Select(e => e.Flag));
        Assert.Contains("Invalid configuration: Proxy:Workers (--workers): must be 0 (not limited) or more, got -2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyValueOfAnOptionalSetting_MeansNotSet()
    {
        var options = Load(("Proxy:MaxQueueWait", ""), ("Proxy:WebSocketIdleTimeout", ""));

        Assert.Null(options.MaxQueueWait);
        Assert.Null(options.WebSocketIdleTimeout);
    }

    [Fact]
    public void DuplicateUpstream_IsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(("Proxy:Upstreams:0", "http://odoo:8069"), ("Proxy:Upstreams:1", "http://odoo:8069/")));

        Assert.Equal("Proxy:Upstreams", Assert.Single(error.Errors).Setting);
    }
}
