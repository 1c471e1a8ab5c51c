"""The council app's pages, one module a subject. The helpers every app's views share live in
`council.shortcuts`."""
