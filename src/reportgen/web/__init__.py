"""报送平台: `reportgen serve`, a web page over a workspace where departments hand in their workbooks.

Modules: `app` (the Starlette application and its guards), `department` and `office` (the pages),
`submit` (one upload: kept, checked, made current, validated), `state` (the workspace as
validation sees it), `builds` (builds, outputs, zip, previews), `store` (the SQLite record in
`<workspace>/.reportgen/`), `security` (password, throttling, CSRF), `lock` (one workspace at a
time), `serve` (the terminal side: addresses, first-start link, uvicorn).

Imported only by `reportgen serve`: the rest of the CLI never loads the web stack.
"""
