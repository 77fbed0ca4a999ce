using OdooSimulator.Http;
using OdooSimulator.Routing;

namespace OdooSimulator.Tests.Routing;

public sealed class SimRouteTests
{
    [Theory]
    [InlineData("/jsonrpc", "/jsonrpc", true)]
    [InlineData("/jsonrpc", "/jsonrpc/", false)]
    [InlineData("/xmlrpc/*", "/xmlrpc/2/object", true)]
    [InlineData("/xmlrpc/*", "/xmlrpc", false)]
    [InlineData("/web/image*", "/web/image/res.partner/3/avatar_128", true)]
    [InlineData("*/static/*", "/web/static/img/logo.png", true)]
    [InlineData("*/static/*", "/static", false)]
    public void Pattern_MatchesExactPathPrefixOrFragment(string pattern, string path, bool matches) =>
        Assert.Equal(matches, SimRoute.Any(pattern, Answer).Matches(Request("GET", path)));

    [Fact]
    public void PostRoute_OtherMethods_FallThrough()
    {
        var route = SimRoute.Post("/web/login", Answer);

        Assert.True(route.Matches(Request("POST", "/web/login")));
        Assert.False(route.Matches(Request("GET", "/web/login")));
    }

    [Fact]
    public void RouteTable_LoginPage_GetAndPostTakeDifferentRoutes()
    {
        var app = new OdooApp(new SimulatorOptions(), TimeProvider.System);

        var post = app.Route(Request("POST", "/web/login", "login=admin&password=wrong"u8.ToArray()));
        var get = app.Route(Request("GET", "/web/login"));

        // The form post judges the credentials (a business error replays the page); the page itself has no business error.
        Assert.NotNull(post.BusinessError);
        Assert.Null(get.BusinessError);
    }

    private static Exchange Answer(SimRequest request) => new() { Operation = "test", Respond = () => throw new InvalidOperationException() };

    private static SimRequest Request(string method, string path, byte[]? body = null) => new()
    {
        Method = method,
        Path = path,
        Query = string.Empty,
        Version = "HTTP/1.1",
        Headers = [],
        Body = body ?? [],
        BodyLength = body?.Length ?? 0,
    };
}
