using System.CommandLine;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Hosting;

/// <summary>Runs the proxy from its command line until Ctrl+C or SIGTERM, telling the operator where to look.</summary>
internal static class ProxyRunner
{
    /// <summary>
    /// Parses <paramref name="args"/>, loads and checks the configuration and runs the proxy; 2 when a setting is invalid.
    /// A host that brings its own Odoo (the demo) passes <paramref name="ownOdoo"/>, whose settings (its upstreams) are
    /// the last configuration layer, and <paramref name="started"/>, called once the proxy listens.
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args,
        Func<IConfiguration, Task<IReadOnlyDictionary<string, string?>>>? ownOdoo = null,
        Action<ProxyHost, ProxyOptions>? started = null)
    {
        var root = ProxyCommandLine.Create();
        root.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var configuration = await LoadConfigurationAsync(parse, ownOdoo);
                var options = ProxySettings.Load(configuration);
                return await RunAsync(options, configuration, ProxyCommandLine.PasswordOnCommandLine(parse), started, cancellationToken);
            }
            catch (ConfigurationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        var parsed = root.Parse(args);
        // A flag whose value does not parse (--workers many) is a bad setting like any other: exit 2, naming it.
        if (ProxyCommandLine.SettingErrors(parsed) is { Count: > 0 } flagErrors)
        {
            await Console.Error.WriteLineAsync(new ConfigurationException(flagErrors).Message);
            return 2;
        }
        return await parsed.InvokeAsync();
    }

    private static async Task<int> RunAsync(ProxyOptions options, IConfiguration configuration, bool passwordOnCommandLine, Action<ProxyHost, ProxyOptions>? started, CancellationToken cancellationToken)
    {
        SocketEngine.Configure(options);
        await using var host = await ProxyHost.StartValidatedAsync(options, configuration, services: null, cancellationToken);
        if (passwordOnCommandLine) HostingLog.PasswordOnCommandLine(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OdooLatencyProxy"));
        Console.WriteLine($"OdooLatencyProxy forwarding {host.PublicUri} -> {string.Join(", ", options.Upstreams)} (websockets -> {string.Join(", ", options.GeventUpstreams)}), {(options.Workers == 0 ? "workers not limited" : $"{options.Workers} workers per host")}");
        Console.WriteLine($"Admin: {host.AdminUri}healthz  {host.AdminUri}readyz  {host.AdminUri}status  {host.AdminUri}metrics  {host.AdminUri}api/operations  {host.AdminUri}api/workers");
        started?.Invoke(host, options);
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    // appsettings.json beside the binary, then --config FILE, then environment variables (Proxy__Workers=8), then flags.
    private static async Task<IConfigurationRoot> LoadConfigurationAsync(ParseResult parse, Func<IConfiguration, Task<IReadOnlyDictionary<string, string?>>>? ownOdoo)
    {
        var extraFile = ProxyCommandLine.ConfigFile(parse);
        var builder = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true);
        if (extraFile is not null)
        {
            if (!File.Exists(extraFile)) throw new ConfigurationException("--config", $"file '{extraFile}' does not exist");
            builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false);
        }
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.AddEnvironmentVariables().AddCommandLineFlags(parse).Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException(extraFile is null ? "appsettings.json" : "--config", $"{e.Message} {e.InnerException?.Message}");
        }
        return ownOdoo is null ? configuration : builder.AddInMemoryCollection(await ownOdoo(configuration)).Build();
    }
}
