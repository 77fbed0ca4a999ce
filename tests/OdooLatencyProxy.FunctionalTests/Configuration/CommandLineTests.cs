using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void Flags_OverrideFileSettings_AndRepeatedUpstreamsReplaceTheList()
    {
        var parse = ProxyCommandLine.Create().Parse(
            ["--upstream", "http://odoo:8069", "--upstream", "http://odoo2:8069;workers=3", "--gevent-upstream", "http://odoo:8072",
             "--workers", "8", "--listen", "http://127.0.0.1:8081", "--admin-listen", "http://127.0.0.1:9091", "--max-queue", "50",
             "--max-queue-wait", "30s", "--timeout", "10m", "--trusted-proxy", "10.0.0.0/8",
             "--allow-database-manager", "192.0.2.0/24", "--allow-database-manager", "2001:db8::/32", "--blocked-path", "/xmlrpc/2/db"]);
        var fromFiles = new Dictionary<string, string?>
        {
            ["Proxy:Upstreams:0"] = "http://a:1", ["Proxy:Upstreams:1"] = "http://b:2", ["Proxy:Upstreams:2"] = "http://c:3", ["Proxy:Workers"] = "2",
        };

        var options = ProxySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(fromFiles).AddCommandLineFlags(parse).Build());

        Assert.Empty(parse.Errors);
        Assert.Equal([new UpstreamDestination(new Uri("http://odoo:8069")), new UpstreamDestination(new Uri("http://odoo2:8069"), 3)], options.Upstreams);
        Assert.Equal([new UpstreamDestination(new Uri("http://odoo:8072"))], options.GeventUpstreams);
        Assert.Equal(8, options.Workers);
        Assert.Equal("http://127.0.0.1:8081", options.Listen);
        Assert.Equal("http://127.0.0.1:9091", options.AdminListen);
        Assert.Equal(50, options.MaxQueueLength);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxQueueWait);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
        Assert.Equal(["10.0.0.0/8"], options.TrustedProxies);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], options.AllowDatabaseManager);
        Assert.Equal(["/xmlrpc/2/db"], options.BlockedPaths);
    }

    [Fact]
    public void BadAllowDatabaseManagerNetwork_NamesTheFlag()
    {
        var parse = ProxyCommandLine.Create().Parse(["--allow-database-manager", "10.0.0.0/33"]);

        var error = Assert.Throws<ConfigurationException>(() => ProxySettings.Load(new ConfigurationBuilder().AddCommandLineFlags(parse).Build()));

        var message = Assert.Single(error.Errors).ToString();
        Assert.StartsWith("Proxy:AllowDatabaseManager (--allow-database-manager): '10.0.0.0/33' is not an IP address or CIDR network", message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFlags_LeaveFileSettingsAlone()
    {
        var parse = ProxyCommandLine.Create().Parse([]);
        var fromFiles = new Dictionary<string, string?> { ["Proxy:Upstreams:0"] = "http://a:1", ["Proxy:Upstreams:1"] = "http://b:2", ["Proxy:Timeout"] = "00:01:00" };

        var options = ProxySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(fromFiles).AddCommandLineFlags(parse).Build());

        Assert.Equal(["http://a:1/", "http://b:2/"], options.Upstreams.Select(u => u.ToString()));
        Assert.Equal(TimeSpan.FromMinutes(1), options.Timeout);
        Assert.Equal(0, options.Workers);
    }

    [Theory]
    [InlineData("--workers", "abc", "Proxy:Workers")]
    [InlineData("--max-queue", "1.5", "Proxy:MaxQueueLength")]
    [InlineData("--max-queue-wait", "soon", "Proxy:MaxQueueWait")]
    [InlineData("--timeout", "forever", "Proxy:Timeout")]
    public void BadFlagValue_NamesTheSettingAndTheFlag(string flag, string value, string setting)
    {
        var parse = ProxyCommandLine.Create().Parse([flag, value]);

        var error = Assert.Single(ProxyCommandLine.SettingErrors(parse));

        Assert.Equal(setting, error.Setting);
        Assert.Equal(flag, error.Flag);
        Assert.Contains(value, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRealBinary_WithARuleThatCannotCompile_ExitsNamingTheRule()
    {
        var file = Path.Combine(Path.GetTempPath(), $"olp-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"Classification":{"Rules":[{"Name":"ok.rule","Path":"/ok"},{"Name":"shop.orders","PathRegex":"/shop/(unclosed"}]}}""");
        try
        {
            var (exitCode, stderr, _) = await RunProxyAsync("--config", file);

            Assert.Equal(2, exitCode);
            Assert.StartsWith("Invalid configuration: Classification:Rules:1: Classification rule #1 ('shop.orders'):", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Invalid configuration: Proxy:Workers (--workers): 'many' is not a whole number", "--workers", "many")]
    [InlineData("Invalid configuration: Proxy:Timeout (--timeout): 'forever' is not a duration (e.g. 30s, 5m, 250ms, 00:12:00)", "--timeout", "forever")]
    [InlineData("Invalid configuration: Proxy:Upstreams:0 (--upstream): 'odoo' is not an http:// or https:// URL", "--upstream", "odoo")]
    [InlineData("Invalid configuration: Proxy:Workers (--workers): must be 0 (not limited) or more, got -4", "--workers", "-4")]
    [InlineData("Invalid configuration: Collector:ConnectionString (--odoo-db): Couldn't set hots (Parameter 'hots')", "--odoo-db", "Hots=db;Password=secret")]
    [InlineData("Invalid configuration: Collector:LogPath (--odoo-log): file '/no/such/odoo.log' does not exist", "--odoo-log", "/no/such/odoo.log")]
    [InlineData("Invalid configuration: Collector:PasswordFile (--odoo-db-password-file): file '/no/such/password' does not exist", "--odoo-db-password-file", "/no/such/password")]
    public async Task TheRealBinary_WithABadSetting_ExitsWithTheMessage(string message, string flag, string value)
    {
        var (exitCode, stderr, _) = await RunProxyAsync(flag, value);

        Assert.Equal(2, exitCode);
        Assert.Equal(message, stderr);
    }

    // Flag values the parser refuses, and values out of range, are each reported together with the others.
    [Theory]
    [InlineData("--workers", "-4", "--odoo-log", "/no/such/odoo.log",
        "Invalid configuration: Proxy:Workers (--workers): must be 0 (not limited) or more, got -4",
        "Invalid configuration: Collector:LogPath (--odoo-log): file '/no/such/odoo.log' does not exist")]
    [InlineData("--workers", "many", "--max-queue-wait", "soon",
        "Invalid configuration: Proxy:Workers (--workers): 'many' is not a whole number",
        "Invalid configuration: Proxy:MaxQueueWait (--max-queue-wait): 'soon' is not a duration (e.g. 30s, 5m, 250ms, 00:12:00)")]
    public async Task TheRealBinary_WithTwoBadSettings_ReportsBothAtOnce(string flag, string value, string otherFlag, string otherValue, string first, string second)
    {
        var (exitCode, stderr, _) = await RunProxyAsync(flag, value, otherFlag, otherValue);

        Assert.Equal(2, exitCode);
        Assert.Equal([first, second], stderr.Split('\n'));
    }

    [Theory]
    [InlineData("--listen", "Proxy:Listen")]
    [InlineData("--admin-listen", "Proxy:AdminListen")]
    public async Task TheRealBinary_WithAListenPortInUse_ExitsWithOneLineNamingTheSettingAndAddress(string flag, string setting)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, stderr, stdout) = await RunProxyAsync(flag, $"http://127.0.0.1:{port}");

        Assert.Equal(2, exitCode);
        Assert.Equal($"Invalid configuration: {setting} ({flag}): 127.0.0.1:{port} is already in use by another process", stderr);
        Assert.DoesNotContain("Exception", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRealBinary_WithAPasswordInOdooDb_WarnsOnceWithoutPrintingIt()
    {
        var proxyDll = typeof(ProxyHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet",
            [proxyDll, "--odoo-db", "Host=127.0.0.1;Port=1;Database=odoo;Username=collector;Password=hunter2-secret", "--listen", "http://127.0.0.1:0", "--admin-listen", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var output = new System.Text.StringBuilder();
        var warned = new TaskCompletionSource();
        void Read(object sender, DataReceivedEventArgs e)
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("--odoo-db-password-file", StringComparison.Ordinal) == true) warned.TrySetResult();
        }
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await warned.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var text = output.ToString();
        Assert.Single(text.Split('\n'), l => l.Contains("--odoo-db-password-file", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }

    // Runs the built proxy (loopback ports unless the test sets them) until it exits by itself (it must, on bad configuration).
    private static async Task<(int ExitCode, string Stderr, string Stdout)> RunProxyAsync(params string[] args)
    {
        var proxyDll = typeof(ProxyHost).Assembly.Location;
        string[] listeners = [.. args.Contains("--listen") ? [] : new[] { "--listen", "http://127.0.0.1:0" }, .. args.Contains("--admin-listen") ? [] : new[] { "--admin-listen", "http://127.0.0.1:0" }];
        using var process = Process.Start(new ProcessStartInfo("dotnet", [proxyDll, .. args, .. listeners])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stderr).Trim(), await stdout);
    }
}
