using System.Text.Json;
using System.Xml.Linq;
using OdooLatencyProxy.LoadTest.Cli;
using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.Tests.Support;

/// <summary>Temp folders, the CLI in-process, and reading back what a run wrote.</summary>
internal static class TestSupport
{
    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "loadtest-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static string ShippedScenario(string name) => Path.Combine(AppContext.BaseDirectory, "Scenarios", name + ".json");

    public static string Capture => Path.Combine(AppContext.BaseDirectory, "TestData", "odoo17-webclient.jsonl");

    /// <summary>Runs the command line in-process; returns the exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await LoadTestCommandLine.InvokeAsync(args, output, TextWriter.Null, TestContext.Current.CancellationToken);
        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        return (code, text);
    }

    public static RunReport ReadReport(string directory) =>
        JsonSerializer.Deserialize<RunReport>(File.ReadAllText(Path.Combine(directory, RunCommand.JsonReportName)), Json.ReadOptions)!;

    /// <summary>The HTML report parsed as XML: it is written as well-formed XHTML so this works.</summary>
    public static XDocument ReadHtml(string directory)
    {
        var html = File.ReadAllText(Path.Combine(directory, RunCommand.HtmlReportName));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        return XDocument.Parse(html["<!DOCTYPE html>".Length..]);
    }
}
