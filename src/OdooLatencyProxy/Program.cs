using System.CommandLine;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

var root = ProxyCommandLine.Create();
root.SetAction(async (parse, cancellationToken) =>
{
    try
    {
        var configuration = LoadConfiguration(ProxyCommandLine.ConfigFile(parse), ProxyCommandLine.SectionSettings(parse));
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

// appsettings.json beside the binary, then --config FILE, then environment variables (Proxy__Workers=8), then flags.
static IConfigurationRoot LoadConfiguration(string? extraFile, Dictionary<string, string?> flags)
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
