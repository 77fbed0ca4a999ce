namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>Where a template's text goes, which decides how a placeholder's value is written.</summary>
internal enum TemplateContext
{
    /// <summary>Header values: the value's text as is.</summary>
    Raw,

    /// <summary>Path and query: URL-escaped text.</summary>
    Url,

    /// <summary>JSON text: <c>"{{n}}"</c> becomes the value as a JSON literal (a number stays a number); <c>{{n}}</c> inside a longer string is escaped text.</summary>
    Json,

    /// <summary>XML-RPC text: <c>{{xmlrpc:n}}</c> is a typed value (<c>&lt;int&gt;</c>, <c>&lt;string&gt;</c>, ...); <c>{{n}}</c> is escaped text.</summary>
    Xml,
}
