using System.CommandLine;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

var root = ProxyCommandLine.Create();
root.SetAction(async (parse, cancellationToken) =>
{
    try
    {
        var configuration = LoadConfiguration(parse);
        var options = ProxySettings.Load(configuration);
        return await ProxyRunner.RunAsync(options, configuration, ProxyCommandLine.PasswordOnCommandLine(parse), cancellationToken);
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

// appsettings.json beside the binary, then --config FILE, then environment variables (Proxy__Workers=8), then flags.
static IConfigurationRoot LoadConfiguration(ParseResult parse)
{
    var extraFile = ProxyCommandLine.ConfigFile(parse);
    var builder = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true);
    if (extraFile is not null)
    {
        if (!File.Exists(extraFile)) throw new ConfigurationException("--config", $"file '{extraFile}' does not exist");
        builder.AddJsonFile(Path.GetFullPath(extraFile), optional: false);
    }
    try
    {
        return builder.AddEnvironmentVariables().AddCommandLineFlags(parse).Build();
    }
    catch (InvalidDataException e)
    {
        throw new ConfigurationException(extraFile is null ? "appsettings.json" : "--config", $"{e.Message} {e.InnerException?.Message}");
    }
}
