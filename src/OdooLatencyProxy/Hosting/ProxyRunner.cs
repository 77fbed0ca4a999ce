using System.CommandLine;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Hosting;

/// <summary>Runs the proxy from its command line until Ctrl+C or SIGTERM, telling the operator where to look.</summary>
internal static class ProxyRunner
{
    /// <summary>
    /// Parses <paramref name="args"/>, loads the configuration and runs the proxy; 2 when a setting is invalid.
    /// A host that brings its own Odoo (the demo) passes <paramref name="beforeStart"/>, which may point the options
    /// elsewhere before they are validated, and <paramref name="started"/>, called once the proxy listens.
    /// </summary>
    public static Task<int> RunAsync(string[] args, Func<ProxyOptions, Task<ProxyOptions>>? beforeStart = null, Action<ProxyHost, ProxyOptions>? started = null)
    {
        var root = ProxyCommandLine.Create();
        root.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var configuration = LoadConfiguration(ProxyCommandLine.ConfigFile(parse), ProxyCommandLine.SectionSettings(parse));
                var options = ProxyCommandLine.Apply(parse, ProxyOptionsLoader.Load(configuration));
                if (beforeStart is not null) options = await beforeStart(options);
                ProxyOptionsLoader.Validate(options);
                return await RunAsync(options, configuration, started, cancellationToken);
            }
            catch (ConfigurationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        return root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunAsync(ProxyOptions options, IConfiguration configuration, Action<ProxyHost, ProxyOptions>? started, CancellationToken cancellationToken)
    {
        await using var host = await ProxyHost.StartAsync(options, configuration, cancellationToken: cancellationToken);
        Console.WriteLine($"OdooLatencyProxy forwarding {host.PublicUri} -> {string.Join(", ", options.Upstreams)} (websockets -> {string.Join(", ", options.GeventUpstreams)}), {(options.Workers == 0 ? "workers not limited" : $"{options.Workers} workers per host")}");
        Console.WriteLine($"Admin: {host.AdminUri}healthz  {host.AdminUri}readyz  {host.AdminUri}status  {host.AdminUri}metrics  {host.AdminUri}api/operations  {host.AdminUri}api/workers");
        started?.Invoke(host, options);
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    // appsettings.json beside the binary, then --config FILE, then environment variables (Proxy__Workers=8), then flags.
    private static IConfigurationRoot LoadConfiguration(string? extraFile, Dictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true);
        if (extraFile is not null)
        {
            if (!File.Exists(extraFile)) throw new ConfigurationException("--config", $"file '{extraFile}' does not exist");
            builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false);
        }
        try
        {
            return builder.AddEnvironmentVariables().AddInMemoryCollection(flags).Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException(extraFile is null ? "appsettings.json" : "--config", $"{e.Message} {e.InnerException?.Message}");
        }
    }
}
