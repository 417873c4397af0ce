<?xml version="1.0" encoding="UTF-8"?>
<!--
  The edition's overview pages, from a small summary of the whole edition that
  tei_encoder.site collects while it renders the documents (one <doc> per TEI
  file, one <entry> per register entry; see site.py `_summary_xml`):

    <site>
      <doc name="" href="doc/x.html" tei="tei/x.xml" date="1963-08-22" date-label="" year="" archive="">
        <title/> <abstract/> <citation/>
        <mention kind="person|place|org" id="" n="3"/>
        <event when="1956" label="1956">context of the date in the text</event>
      </doc>
      <entry kind="person" id="" page="persons.html"> <name type="preferred|variant|…"/> <desc/> <life/>
        <occupation/> <idno type="wikidata" href="https://…">Q…</idno> </entry>
      <unknown kind="person" text="Name"><in doc="name"/></unknown>
    </site>

  $page picks the template: index | persons | places | orgs | chronology | mentions.
  Documents arrive already in chronological order. A large edition's pages come in parts
  (tei_encoder/overview.py): /site/@total counts the whole edition, <pager><part href label
  current/></pager> lists the parts, doc[@here = 'no'] only carries events for the chronology,
  entry/@docs counts the documents that mention the entry, entry/listed/@doc names those listed
  here (the first ones) and entry/@more the page that lists them all.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:site="urn:tei-encoder:site"
  exclude-result-prefixes="#all">

  <xsl:include href="common.xsl"/>

  <xsl:param name="page" as="xs:string" select="'index'"/>

  <xsl:key name="doc" match="doc" use="@name"/>
  <xsl:key name="mentions" match="doc" use="mention ! concat(@kind, '|', @id)"/>
  <xsl:key name="entry" match="entry" use="concat(@kind, '|', @id)"/>

  <xsl:variable name="kinds" as="map(xs:string, map(xs:string, xs:string))" select="map {
      'persons': map { 'kind': 'person', 'title': 'Persons', 'one': 'person' },
      'places':  map { 'kind': 'place',  'title': 'Places', 'one': 'place' },
      'orgs':    map { 'kind': 'org',    'title': 'Organisations', 'one': 'organisation' } }"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$page = 'index'"><xsl:call-template name="index"/></xsl:when>
      <xsl:when test="$page = 'chronology'"><xsl:call-template name="chronology"/></xsl:when>
      <xsl:when test="$page = 'mentions'"><xsl:call-template name="mentions"/></xsl:when>
      <xsl:when test="map:contains($kinds, $page)" xmlns:map="http://www.w3.org/2005/xpath-functions/map">
        <xsl:call-template name="register">
          <xsl:with-param name="info" select="$kinds($page)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">site-pages.xsl: unknown page "<xsl:value-of select="$page"/>"</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================ index -->
  <xsl:variable name="total" as="xs:integer" select="(/site/@total ! xs:integer(.), count(/site/doc))[1]"/>

  <!-- The parts of a long list: links to every part, the current one marked. -->
  <xsl:template name="pager">
    <xsl:param name="label" as="xs:string"/>
    <xsl:if test="/site/pager/part[2]">
      <nav class="pager" aria-label="{$label}">
        <ol>
          <xsl:for-each select="/site/pager/part">
            <li><a href="{@href}">
              <xsl:if test="@current = 'yes'"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>
              <xsl:value-of select="@label"/></a></li>
          </xsl:for-each>
        </ol>
      </nav>
    </xsl:if>
  </xsl:template>

  <xsl:template name="index">
    <xsl:variable name="docs" select="/site/doc"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="title" select="if (/site/pager) then concat('Documents ', /site/@first, '–', /site/@last) else 'Documents'"/>
      <xsl:with-param name="current" select="'index'"/>
      <xsl:with-param name="description" select="concat($total, ' documents in chronological order')"/>
      <xsl:with-param name="content">
        <h1>Documents</h1>
        <p class="lead"><xsl:value-of select="$total"/> documents in chronological order, with their
          date, title, summary and archive. Filter them by year, archive or person.
          <xsl:if test="/site/pager">This page lists documents <xsl:value-of select="/site/@first"/>–<xsl:value-of
            select="/site/@last"/>; the filters apply to this page.</xsl:if></p>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Pages of documents'"/></xsl:call-template>
        <form class="filters" id="filters" aria-label="Filter documents" hidden="">
          <div class="field">
            <label for="f-year">Year</label>
            <select id="f-year" name="year" data-filter="year">
              <option value="">All years</option>
              <xsl:for-each select="distinct-values($docs/@year[. != ''])">
                <xsl:sort select="."/>
                <option value="{.}"><xsl:value-of select="."/></option>
              </xsl:for-each>
            </select>
          </div>
          <div class="field">
            <label for="f-archive">Archive</label>
            <select id="f-archive" name="archive" data-filter="archive">
              <option value="">All archives</option>
              <xsl:for-each select="distinct-values($docs/@archive[. != ''])">
                <xsl:sort select="lower-case(.)"/>
                <option value="{.}"><xsl:value-of select="."/></option>
              </xsl:for-each>
            </select>
          </div>
          <div class="field">
            <label for="f-person">Person</label>
            <select id="f-person" name="person" data-filter="persons">
              <option value="">All persons</option>
              <xsl:for-each select="/site/entry[@kind = 'person'][key('mentions', concat('person|', @id))]">
                <xsl:sort select="lower-case(site:sort-name(.))"/>
                <option value="{@id}"><xsl:value-of select="site:pref(.)"/></option>
              </xsl:for-each>
            </select>
          </div>
          <div class="field">
            <button type="reset" class="reset">Show all</button>
          </div>
        </form>
        <p class="count" id="doc-count" role="status" aria-live="polite">
          <xsl:value-of select="count($docs)"/> documents
        </p>
        <ol class="doc-list" id="doc-list">
          <xsl:for-each select="$docs">
            <li class="doc-item" data-year="{@year}" data-archive="{@archive}"
                data-persons="{string-join(distinct-values(mention[@kind = 'person']/@id), ' ')}">
              <article aria-labelledby="t-{@name}">
                <h2 id="t-{@name}"><a href="{@href}"><xsl:value-of select="title"/></a></h2>
                <p class="doc-meta">
                  <xsl:choose>
                    <xsl:when test="@date != ''"><time datetime="{@date}"><xsl:value-of select="@date-label"/></time></xsl:when>
                    <xsl:otherwise><span class="undated">Undated</span></xsl:otherwise>
                  </xsl:choose>
                  <xsl:if test="@archive != ''">
                    <xsl:text> · </xsl:text><span class="archive"><xsl:value-of select="@archive"/></span>
                  </xsl:if>
                </p>
                <xsl:if test="abstract != ''"><p class="abstract"><xsl:value-of select="abstract"/></p></xsl:if>
              </article>
            </li>
          </xsl:for-each>
        </ol>
        <p class="no-results" id="no-results" hidden="">No document matches these filters.</p>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Pages of documents (end)'"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="site:pref" as="xs:string">
    <xsl:param name="e" as="element(entry)"/>
    <xsl:sequence select="normalize-space(($e/name[@type = 'preferred'], $e/name, $e/@id)[1])"/>
  </xsl:function>
  <xsl:function name="site:sort-name" as="xs:string">
    <xsl:param name="e" as="element(entry)"/>
    <xsl:sequence select="normalize-space(($e/name[@type = 'surname'], $e/name[@type = 'preferred'], $e/name, $e/@id)[1])"/>
  </xsl:function>

  <!-- ================================================ persons, places, orgs -->
  <xsl:template name="register">
    <xsl:param name="info" as="map(xs:string, xs:string)"/>
    <xsl:variable name="kind" select="$info('kind')"/>
    <xsl:variable name="entries" select="/site/entry[@kind = $kind]"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="title" select="$info('title')"/>
      <xsl:with-param name="current" select="$page"/>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$info('title')"/></h1>
        <xsl:variable name="cited" select="$entries[if (@docs) then @docs != '0' else exists(key('mentions', concat(@kind, '|', @id)))]"/>
        <p class="lead">
          The <xsl:value-of select="count($cited)"/> entries of the
          edition's register that the documents mention, with the names the sources use, authority records, and
          every document that mentions the <xsl:value-of select="$info('one')"/>; then the other
          <xsl:value-of select="count($entries) - count($cited)"/> entries of the register.
        </p>
        <xsl:variable name="others" select="$entries except $cited"/>
        <xsl:if test="$cited">
          <nav class="letters" aria-label="Jump to letter">
            <ul>
              <xsl:for-each-group select="$cited" group-by="upper-case(substring(site:sort-name(.), 1, 1))">
                <xsl:sort select="current-grouping-key()"/>
                <li><a href="#letter-{string-to-codepoints(current-grouping-key())[1]}"><xsl:value-of select="current-grouping-key()"/></a></li>
              </xsl:for-each-group>
              <xsl:if test="$others"><li><a href="#others-h">Others in the register</a></li></xsl:if>
            </ul>
          </nav>
        </xsl:if>
        <xsl:for-each-group select="$cited" group-by="upper-case(substring(site:sort-name(.), 1, 1))">
          <xsl:sort select="current-grouping-key()"/>
          <section class="letter" aria-labelledby="letter-{string-to-codepoints(current-grouping-key())[1]}">
            <h2 id="letter-{string-to-codepoints(current-grouping-key())[1]}"><xsl:value-of select="current-grouping-key()"/></h2>
            <xsl:for-each select="current-group()">
              <xsl:sort select="lower-case(site:sort-name(.))"/>
              <xsl:apply-templates select="."/>
            </xsl:for-each>
          </section>
        </xsl:for-each-group>
        <xsl:if test="$others">
          <section class="others" aria-labelledby="others-h">
            <h2 id="others-h">Others in the register</h2>
            <p>Entries of the register that the documents of this edition do not mention (yet).</p>
            <ul class="compact-entries">
              <xsl:for-each select="$others">
                <xsl:sort select="lower-case(site:sort-name(.))"/>
                <li id="{@id}" class="entry entry-{@kind}">
                  <strong><xsl:value-of select="site:pref(.)"/></strong>
                  <xsl:if test="life != ''"> (<xsl:value-of select="life"/>)</xsl:if>
                  <xsl:if test="desc != ''">: <xsl:value-of select="desc"/></xsl:if>
                  <xsl:for-each select="idno[@href]">
                    <xsl:text> · </xsl:text><a href="{@href}" rel="external"><xsl:value-of select="@label"/><xsl:text> </xsl:text><xsl:value-of select="."/></a>
                  </xsl:for-each>
                </li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>
        <xsl:variable name="unknown" select="/site/unknown[@kind = $kind]"/>
        <xsl:if test="$unknown">
          <section class="unknown" aria-labelledby="unknown-h">
            <h2 id="unknown-h">Names not yet identified</h2>
            <p>These names are tagged in the documents but the register does not know them yet.</p>
            <ul>
              <xsl:for-each select="$unknown">
                <xsl:sort select="lower-case(@text)"/>
                <li><span class="name uncertain"><xsl:value-of select="@text"/></span> in
                  <xsl:for-each select="in">
                    <xsl:variable name="d" select="key('doc', @doc)"/>
                    <a href="{$d/@href}"><xsl:value-of select="$d/title"/></a>
                    <xsl:if test="position() != last()">; </xsl:if>
                  </xsl:for-each>
                  <xsl:if test="@count and xs:integer(@count) gt count(in)">
                    <xsl:text>; and </xsl:text><xsl:value-of select="xs:integer(@count) - count(in)"/> more documents
                  </xsl:if>
                </li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="entry">
    <xsl:variable name="docs" select="if (listed) then key('doc', listed/@doc) else key('mentions', concat(@kind, '|', @id))"/>
    <xsl:variable name="id" select="@id"/>
    <xsl:variable name="kind" select="@kind"/>
    <article class="entry entry-{@kind}" id="{@id}" aria-labelledby="h-{@id}">
      <h3 id="h-{@id}"><xsl:value-of select="site:pref(.)"/></h3>
      <xsl:variable name="variants" select="name[not(@type = 'preferred')][normalize-space() != site:pref(current())]
                                            [not(normalize-space() = preceding-sibling::name ! normalize-space())]"/>
      <xsl:if test="exists($variants)">
        <p class="variants"><span class="label">Also:</span><xsl:text> </xsl:text>
          <xsl:for-each select="$variants">
            <span class="variant">
              <xsl:if test="@lang != ''"><xsl:attribute name="lang" select="@lang"/></xsl:if>
              <xsl:value-of select="normalize-space(.)"/>
            </span>
            <xsl:if test="not(@type = ('variant', ''))"><span class="vtype"> (<xsl:value-of select="@type"/>)</span></xsl:if>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="life != '' or occupation != ''">
        <p class="life"><xsl:value-of select="string-join((life[. != ''], occupation[. != '']), '; ')"/></p>
      </xsl:if>
      <xsl:if test="desc != ''"><p class="desc"><xsl:value-of select="desc"/></p></xsl:if>
      <xsl:if test="idno[@href]">
        <p class="authority"><span class="label">Authority records:</span><xsl:text> </xsl:text>
          <xsl:for-each select="idno[@href]">
            <a href="{@href}" rel="external"><xsl:value-of select="@label"/><xsl:text> </xsl:text><xsl:value-of select="."/></a>
            <xsl:if test="position() != last()"> · </xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:variable name="n-docs" select="(@docs ! xs:integer(.), count($docs))[1]"/>
      <xsl:choose>
        <xsl:when test="$docs">
          <p class="mentioned-label">Mentioned in <xsl:value-of select="$n-docs"/> document<xsl:if test="$n-docs != 1">s</xsl:if>:</p>
          <ul class="mentions">
            <xsl:for-each select="$docs">
              <li>
                <a href="{@href}"><xsl:value-of select="title"/></a>
                <xsl:if test="@date != ''"><xsl:text> (</xsl:text><time datetime="{@date}"><xsl:value-of select="@date-label"/></time>)</xsl:if>
                <xsl:variable name="n" select="sum(mention[@kind = $kind][@id = $id]/@n)"/>
                <xsl:if test="$n gt 1"><span class="times"><xsl:text>, </xsl:text><xsl:value-of select="$n"/> times</span></xsl:if>
              </li>
            </xsl:for-each>
          </ul>
          <xsl:if test="@more and $n-docs gt count($docs)">
            <p class="more"><a href="{@more}">All <xsl:value-of select="$n-docs"/> documents that mention
              <xsl:value-of select="site:pref(.)"/></a></p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise><p class="mentioned-label none">Not mentioned in the documents of this edition.</p></xsl:otherwise>
      </xsl:choose>
    </article>
  </xsl:template>

  <!-- =========================================================== chronology -->
  <xsl:template name="chronology">
    <xsl:variable name="items" as="element()*">
      <xsl:for-each select="/site/doc[@date != ''][not(@here = 'no')] | /site/doc/event">
        <item when="{if (self::doc) then @date else @when}" kind="{if (self::doc) then 'doc' else 'event'}"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:call-template name="site:page">
      <xsl:with-param name="title" select="'Chronology'"/>
      <xsl:with-param name="current" select="'chronology'"/>
      <xsl:with-param name="content">
        <h1>Chronology</h1>
        <p class="lead">The documents by their date, and the events they mention by the dates given in the text,
          year by year.</p>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Years of the chronology'"/></xsl:call-template>
        <xsl:variable name="all" select="/site/doc[@date != ''][not(@here = 'no')] | /site/doc/event[@when != '']"/>
        <xsl:variable name="years" as="xs:string*">
          <xsl:for-each select="distinct-values($all ! substring(if (self::doc) then @date else @when, 1, 4))">
            <xsl:sort select="."/>
            <xsl:sequence select="."/>
          </xsl:for-each>
        </xsl:variable>
        <nav class="letters" aria-label="Jump to year">
          <ul>
            <xsl:for-each select="$years"><li><a href="#y{.}"><xsl:value-of select="."/></a></li></xsl:for-each>
          </ul>
        </nav>
        <xsl:for-each-group select="$all" group-by="substring(if (self::doc) then @date else @when, 1, 4)">
          <xsl:sort select="current-grouping-key()"/>
          <section class="year" aria-labelledby="y{current-grouping-key()}">
            <h2 id="y{current-grouping-key()}"><xsl:value-of select="current-grouping-key()"/></h2>
            <ol class="timeline">
              <xsl:for-each select="current-group()">
                <xsl:sort select="if (self::doc) then @date else @when"/>
                <xsl:sort select="if (self::doc) then 0 else 1"/>
                <xsl:choose>
                  <xsl:when test="self::doc">
                    <li class="t-doc">
                      <time datetime="{@date}"><xsl:value-of select="@date-label"/></time>
                      <span class="t-kind">Document</span>
                      <a href="{@href}"><xsl:value-of select="title"/></a>
                    </li>
                  </xsl:when>
                  <xsl:otherwise>
                    <li class="t-event">
                      <time datetime="{@when}"><xsl:value-of select="@label"/></time>
                      <span class="t-kind">Mentioned</span>
                      <q><xsl:value-of select="."/></q>
                      <xsl:text> — </xsl:text>
                      <a href="{../@href}"><xsl:value-of select="../title"/></a>
                    </li>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:for-each>
            </ol>
          </section>
        </xsl:for-each-group>
        <xsl:if test="/site/doc[@date = '']">
          <section class="year" aria-labelledby="undated">
            <h2 id="undated">Undated</h2>
            <ul>
              <xsl:for-each select="/site/doc[@date = '']"><li><a href="{@href}"><xsl:value-of select="title"/></a></li></xsl:for-each>
            </ul>
          </section>
        </xsl:if>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Years of the chronology (end)'"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============================================= all documents of one entry -->
  <xsl:template name="mentions">
    <xsl:variable name="e" select="/site/entry[1]"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="title" select="concat(site:pref($e), ': documents ', /site/pager/part[@current = 'yes']/@label)"/>
      <xsl:with-param name="current" select="string(/site/@kind-page)"/>
      <xsl:with-param name="content">
        <p class="back"><a href="{$e/@page}#{$e/@id}">← <xsl:value-of select="site:pref($e)"/> in the register</a></p>
        <h1>Documents that mention <xsl:value-of select="site:pref($e)"/></h1>
        <p class="lead"><xsl:value-of select="$total"/> documents, in chronological order.</p>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Pages of documents'"/></xsl:call-template>
        <ol class="mentions" start="{/site/@first}">
          <xsl:for-each select="/site/doc">
            <li>
              <a href="{@href}"><xsl:value-of select="title"/></a>
              <xsl:if test="@date != ''"><xsl:text> (</xsl:text><time datetime="{@date}"><xsl:value-of select="@date-label"/></time>)</xsl:if>
              <xsl:variable name="n" select="sum(mention[@kind = $e/@kind][@id = $e/@id]/@n)"/>
              <xsl:if test="$n gt 1"><span class="times"><xsl:text>, </xsl:text><xsl:value-of select="$n"/> times</span></xsl:if>
            </li>
          </xsl:for-each>
        </ol>
        <xsl:call-template name="pager"><xsl:with-param name="label" select="'Pages of documents (end)'"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
