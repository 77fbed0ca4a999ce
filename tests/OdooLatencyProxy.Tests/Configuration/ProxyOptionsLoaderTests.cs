using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Tests.Configuration;

public sealed class ProxyOptionsLoaderTests
{
    private static ProxyOptions Load(params (string Key, string Value)[] settings) =>
        ProxyOptionsLoader.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Defaults_MatchOdoosNginxDeployment()
    {
        var options = Load();

        Assert.Equal("http://0.0.0.0:8080", options.Listen);
        Assert.Equal("http://127.0.0.1:9090", options.AdminListen);
        Assert.Equal(["http://127.0.0.1:8069"], options.Upstreams);
        Assert.Equal(["http://127.0.0.1:8072"], options.GeventUpstreams);
        Assert.Equal(TimeSpan.FromSeconds(720), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(720), options.EffectiveWebSocketIdleTimeout);
        Assert.Equal(128L * 1024 * 1024, options.MaxRequestBodyBytes);
        Assert.True(options.RequestBuffering);
        Assert.True(options.ResponseBuffering);
        // Never reject what nginx would have served: no worker limit, no queue limit unless configured.
        Assert.Equal(0, options.Workers);
        Assert.Equal(0, options.MaxQueueLength);
        Assert.Null(options.MaxQueueWait);
    }

    [Fact]
    public void ConfiguredLists_ReplaceTheDefaults()
    {
        var options = Load(("Proxy:Upstreams:0", "http://odoo-a:8069;workers=12"), ("Proxy:Upstreams:1", "http://odoo-b:8069"), ("Proxy:Workers", "4"));

        Assert.Equal(["http://odoo-a:8069;workers=12", "http://odoo-b:8069"], options.Upstreams);
        Assert.Equal(
            [new UpstreamDestination(new Uri("http://odoo-a:8069"), 12), new UpstreamDestination(new Uri("http://odoo-b:8069"), 4)],
            ProxyOptionsLoader.WorkerDestinations(options));
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
    [InlineData("Proxy:DrainTimeout", "-00:00:01", "Proxy:DrainTimeout")]
    [InlineData("Proxy:TrustedProxies:0", "the-front", "Proxy:TrustedProxies")]
    [InlineData("Proxy:Listen", "https://0.0.0.0:8443", "Proxy:Listen")]
    [InlineData("Proxy:Listen", "http://example.com:8080", "Proxy:Listen")]
    [InlineData("Proxy:AdminListen", "not a url", "Proxy:AdminListen")]
    [InlineData("Proxy:Upstreams:0", "odoo:8069", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "ftp://odoo:8069", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "http://odoo:8069;workers=many", "Proxy:Upstreams:0")]
    [InlineData("Proxy:Upstreams:0", "http://odoo:8069/?db=x", "Proxy:Upstreams:0")]
    [InlineData("Proxy:GeventUpstreams:0", "ws://odoo:8072", "Proxy:GeventUpstreams:0")]
    [InlineData("Proxy:Wrokers", "8", "Proxy:Wrokers")]
    public void InvalidSetting_StopsStartUp_NamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.Equal(named, error.Setting);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateUpstream_IsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(("Proxy:Upstreams:0", "http://odoo:8069"), ("Proxy:Upstreams:1", "http://odoo:8069/")));

        Assert.Equal("Proxy:Upstreams", error.Setting);
    }

    [Theory]
    [InlineData("720s", 720)]
    [InlineData("5m", 300)]
    [InlineData("250ms", 0.25)]
    [InlineData("1h", 3600)]
    [InlineData("00:00:30", 30)]
    [InlineData("45", 45)]
    public void Durations_ReadAsPeopleWriteThem(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.TryParse(text));
}
