using System.CommandLine;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

var root = ProxyCommandLine.Create();
root.SetAction(async (parse, cancellationToken) =>
{
    try
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile(Path.GetFullPath(ProxyCommandLine.ConfigFile(parse) ?? "/nonexistent/none.json"), optional: ProxyCommandLine.ConfigFile(parse) is null)
            .AddEnvironmentVariables()
            .Build();
        var options = ProxyCommandLine.Apply(parse, ProxyOptionsLoader.Load(configuration));
        ProxyOptionsLoader.Validate(options);
        return await ProxyRunner.RunAsync(options, configuration, cancellationToken);
    }
    catch (ConfigurationException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
