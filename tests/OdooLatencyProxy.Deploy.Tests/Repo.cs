namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>Files of the repository the tests run from (deploy/, grafana/, docs/).</summary>
internal static class Repo
{
    /// <summary>The repository root: the folder holding OdooLatencyProxy.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OdooLatencyProxy.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("OdooLatencyProxy.sln not found above " + AppContext.BaseDirectory);
    }
}
