/// What the pages load besides themselves, compiled into the binary: one style sheet. The pages
/// load nothing from the network and run no script.
enum Assets {
    /// Contrast: text #1b1f24 and links #0b5394 on white (≥ 7:1), counts #57606a (≥ 5.7:1).
    static let styleSheet = """
        :root { color-scheme: light; --accent: #0b5394; --muted: #57606a; --line: #d0d7de; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1b1f24; background: #fff; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #bf5700; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
        .skip:focus { left: .5rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.site { background: var(--accent); padding: .6rem 1rem; }
        header.site .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 1.1rem; }
        main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: .2rem 0 .8rem; }
        h2 { font-size: 1.25rem; margin: .5rem 0; }
        form.search label { display: block; font-weight: 600; margin-bottom: .25rem; }
        form.search label.inline { display: inline; margin: 0 .25rem 0 .5rem; font-weight: 400; }
        form.search .row { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
        form.search input[type=search] { flex: 1 1 18rem; min-width: 0; font: inherit; padding: .45rem .6rem; border: 1px solid #6e7781; border-radius: 4px; }
        form.search select, form.search button { font: inherit; padding: .4rem .6rem; border-radius: 4px; border: 1px solid #6e7781; background: #fff; }
        form.search button { background: var(--accent); color: #fff; border-color: var(--accent); }
        .layout { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1.5rem; margin-top: 1rem; }
        .facets { order: 2; }
        .results { order: 1; }
        ol.projects { padding-left: 1.6rem; margin: .5rem 0; }
        li.project { margin: 0 0 1rem; padding-bottom: .8rem; border-bottom: 1px solid var(--line); }
        li.project h3 { font-size: 1.05rem; margin: 0 0 .2rem; overflow-wrap: anywhere; }
        .meta { color: var(--muted); font-size: .9rem; margin: 0; overflow-wrap: anywhere; }
        .snippet { margin: .3rem 0; overflow-wrap: anywhere; }
        mark { background: #fff3b0; color: inherit; }
        ul.tags { list-style: none; padding: 0; margin: .3rem 0 0; display: flex; flex-wrap: wrap; gap: .3rem; }
        ul.tags li { font-size: .8rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 .5rem; }
        ul.active { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
        ul.active a { display: inline-block; border: 1px solid var(--accent); border-radius: 999px; padding: .1rem .6rem; text-decoration: none; overflow-wrap: anywhere; }
        .downloads { font-size: .95rem; }
        .to-facets { font-size: .95rem; }
        @media (min-width: 50.01rem) { .to-facets { display: none; } }
        .facet { border-top: 1px solid var(--line); padding: .4rem 0; }
        .facet h3 { font-size: 1rem; margin: .3rem 0; }
        .facet ul { list-style: none; padding: 0; margin: 0; }
        .facet li.group > ul { padding-left: 1rem; }
        .facet a { display: flex; justify-content: space-between; gap: .5rem; padding: .2rem .3rem; text-decoration: none; border-radius: 4px; min-height: 1.9rem; align-items: center; }
        .facet a:hover { background: #eef4fb; }
        .facet a.on { background: #ddeaf7; font-weight: 600; }
        .facet a.zero { color: var(--muted); }
        .facet .label { flex: 1; overflow-wrap: anywhere; }
        .count { color: var(--muted); font-variant-numeric: tabular-nums; }
        .facet .more { margin: .3rem; }
        .all-countries ul { columns: 18rem auto; column-gap: 1.5rem; }
        .all-countries li { break-inside: avoid; }
        summary { cursor: pointer; padding: .2rem .3rem; color: var(--accent); }
        nav.pages { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin: 1rem 0; }
        .error { border-left: 4px solid #cf222e; padding: .5rem .8rem; background: #fff5f5; overflow-wrap: anywhere; }
        .project-page dl { display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: .4rem 1rem; }
        .project-page dt { font-weight: 600; }
        .project-page dd { margin: 0; overflow-wrap: anywhere; }
        .project-page dd ul { margin: 0; padding-left: 1.1rem; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .3rem .4rem; vertical-align: top; }
        @media (max-width: 50rem) {
          .layout { grid-template-columns: 1fr; }
          .project-page dl { grid-template-columns: 1fr; }
          .project-page dd { margin-bottom: .4rem; }
        }
        @media print {
          header.site, form.search, .facets, nav.pages, .downloads, .skip { display: none; }
          .layout { display: block; }
          a { color: inherit; text-decoration: none; }
          li.project { break-inside: avoid; }
        }

        """
}
