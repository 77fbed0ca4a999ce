using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Tests.RequestPath;

public sealed class PathProtectionTests
{
    [Theory]
    [InlineData("/web/database/manager", "/web/database/manager")] // The common case is returned as it is.
    [InlineData("", "/")]
    [InlineData("//web///database/manager", "/web/database/manager")]
    [InlineData("/web%2Fdatabase%2fmanager", "/web/database/manager")]
    [InlineData("/web/%2564atabase", "/web/database")]
    [InlineData("/web/x%2F..%2Fdatabase", "/web/database")]
    [InlineData("/../../web/./database/", "/web/database")]
    public void RoutedPath_UndoesWhatOdoosRouterIgnores(string path, string routed) =>
        Assert.Equal(routed, PathProtection.RoutedPath(path));

    [Theory]
    [InlineData("/web/database", "/web/database", true)]
    [InlineData("/WEB/DataBase/list", "/web/database", true)]
    [InlineData("/web/databases", "/web/database", false)]
    [InlineData("/web", "/web/database", false)]
    public void IsUnder_MatchesWholeSegments_IgnoringCase(string path, string prefix, bool under) =>
        Assert.Equal(under, PathProtection.IsUnder(path, prefix));
}
