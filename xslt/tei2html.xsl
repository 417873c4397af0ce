<?xml version="1.0" encoding="UTF-8"?>
<!--
  One TEI P5 document -> one HTML5 page of the edition (site/doc/<name>.html).

  Written for the edition's own encoding (see ENCODING.md: opener with
  letterhead/memo segs, dateline, closer/signed, postscript, supplied, gap,
  choice, damage, names pointing to the register) and robust for TEI from
  other projects (FRUS volumes, letters, inscriptions): every TEI element
  either has a rule or falls back to a <div>/<span> that keeps its text.
  Elements in other namespaces (XHTML <script> embedded in FRUS figures,
  MathML, egXML examples) are never copied into the page.

  Parameters (set by tei_encoder.site, which compiles this once per run):
    register   a small lookup document built from tei/register/*.xml:
               <register><entry key="persons.xml#id" page="persons.html" id=".."
               name="preferred name" desc="short description"/>...</register>
    tei-href, pdf-href, prev-href/prev-title, next-href/next-title, root.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:site="urn:tei-encoder:site"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:include href="common.xsl"/>

  <xsl:param name="register" as="document-node()?" select="()"/>
  <xsl:param name="doc-name" as="xs:string" select="'document'"/>
  <xsl:param name="tei-href" as="xs:string" select="''"/>
  <xsl:param name="pdf-href" as="xs:string" select="''"/>
  <xsl:param name="prev-href" as="xs:string" select="''"/>
  <xsl:param name="prev-title" as="xs:string" select="''"/>
  <xsl:param name="next-href" as="xs:string" select="''"/>
  <xsl:param name="next-title" as="xs:string" select="''"/>

  <xsl:key name="entry" match="Q{}entry" use="@key"/>
  <xsl:key name="xmlid" match="*[@xml:id]" use="@xml:id"/>

  <xsl:variable name="header" select="/*/teiHeader"/>
  <xsl:variable name="texts" select="/TEI/text | /teiCorpus//TEI/text"/>
  <xsl:variable name="main-title" as="xs:string">
    <xsl:variable name="t" select="($header/fileDesc/titleStmt/title[@type = 'main'],
                                    $header/fileDesc/titleStmt/title)[normalize-space()][1]"/>
    <xsl:sequence select="if ($t) then normalize-space(string-join(site:plain($t))) else $doc-name"/>
  </xsl:variable>
  <xsl:variable name="doc-date" as="element()?"
    select="($header/profileDesc/creation//date[@when or @from or @notBefore],
             $header/profileDesc/correspDesc/correspAction[@type = 'sent']/date[@when or @from or @notBefore],
             $texts//dateline//date[@when])[1]"/>
  <xsl:variable name="has-choice" select="exists($texts//choice)"/>
  <!-- notes whose marker is in the page (not in readings of an apparatus that are not shown, not in figures' graphics) -->
  <xsl:variable name="notes" select="$texts//note[not(@type = 'damage')][not(ancestor::note)]
                                     [not(ancestor::rdg[preceding-sibling::rdg or ../lem])]
                                     [not(ancestor::graphic)][not(ancestor::teiHeader)]
                                     [not(ancestor::*[namespace-uri() != 'http://www.tei-c.org/ns/1.0'])]"/>

  <!-- True inside something rendered as an HTML paragraph or inline: blocks there must become spans. -->
  <xsl:function name="site:in-para" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/ancestor::*[self::p or self::ab or self::head or self::l or self::hi or self::seg
                          or self::salute or self::signed or self::dateline or self::docDate or self::docAuthor
                          or self::byline or self::speaker or self::stage or self::label or self::titlePart
                          or self::docImprint or self::docEdition or self::imprimatur or self::caption])"/>
  </xsl:function>

  <!-- Plain text of a title: supplied in brackets, gaps as […], note anchors left out. -->
  <xsl:function name="site:plain" as="xs:string*">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:for-each select="$nodes/node()">
      <xsl:choose>
        <xsl:when test="self::text()"><xsl:sequence select="string(.)"/></xsl:when>
        <xsl:when test="self::supplied">[<xsl:sequence select="site:plain(.)"/>]</xsl:when>
        <xsl:when test="self::gap"><xsl:sequence select="'[…]'"/></xsl:when>
        <xsl:when test="self::ref[@type = 'noteAnchor'] or self::note"/>
        <xsl:when test="self::choice"><xsl:sequence select="site:plain((orig, sic, abbr, *)[1])"/></xsl:when>
        <xsl:when test="self::*"><xsl:sequence select="site:plain(.)"/></xsl:when>
      </xsl:choose>
    </xsl:for-each>
  </xsl:function>

  <!-- ================================================================ page -->
  <xsl:template match="/">
    <xsl:call-template name="site:page">
      <xsl:with-param name="title" select="$main-title"/>
      <xsl:with-param name="description" select="string($header/profileDesc/abstract)"/>
      <xsl:with-param name="body-class" select="'document-page'"/>
      <xsl:with-param name="content">
        <article class="document" aria-labelledby="doc-title">
          <xsl:variable name="lang" select="(/*/@xml:lang, $texts[1]/@xml:lang)[1]"/>
          <h1 id="doc-title">
            <xsl:choose>
              <xsl:when test="($header/fileDesc/titleStmt/title[@type = 'main'], $header/fileDesc/titleStmt/title)[normalize-space()][1]">
                <xsl:apply-templates select="($header/fileDesc/titleStmt/title[@type = 'main'],
                                              $header/fileDesc/titleStmt/title)[normalize-space()][1]/node()"
                                     mode="title"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$doc-name"/></xsl:otherwise>
            </xsl:choose>
          </h1>
          <xsl:if test="$doc-date">
            <p class="doc-date"><xsl:apply-templates select="$doc-date" mode="date-label"/></p>
          </xsl:if>
          <xsl:call-template name="metadata"/>
          <xsl:call-template name="tools"/>
          <section class="text" aria-label="Text of the document">
            <xsl:if test="$lang"><xsl:attribute name="lang" select="$lang"/></xsl:if>
            <xsl:apply-templates select="$texts"/>
          </section>
          <xsl:if test="$notes">
            <section class="notes" aria-labelledby="notes-h">
              <h2 id="notes-h">Notes</h2>
              <ol>
                <xsl:for-each select="$notes">
                  <li id="{site:note-id(.)}">
                    <xsl:if test="@n"><span class="note-n"><xsl:value-of select="@n"/>. </span></xsl:if>
                    <xsl:apply-templates/>
                    <xsl:text> </xsl:text>
                    <a class="backref" href="#fnref-{generate-id()}" aria-label="Back to the text">↩</a>
                  </li>
                </xsl:for-each>
              </ol>
            </section>
          </xsl:if>
          <xsl:call-template name="conventions"/>
        </article>
        <xsl:call-template name="prev-next"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="date" mode="date-label">
    <xsl:variable name="iso" select="(@when, @from, @notBefore)[1]"/>
    <time datetime="{$iso}">
      <xsl:value-of select="if (@when) then site:format-date(@when)
                            else if (@from and @to) then concat(site:format-date(@from), ' – ', site:format-date(@to))
                            else site:format-date($iso)"/>
    </time>
  </xsl:template>

  <!-- ============================================================ metadata -->
  <xsl:template name="metadata">
    <xsl:variable name="ms" select="$header/fileDesc/sourceDesc/msDesc[1]"/>
    <xsl:variable name="msid" select="$ms/msIdentifier"/>
    <xsl:variable name="rows" as="node()*">
        <xsl:if test="$doc-date">
          <dt>Date</dt><dd><xsl:apply-templates select="$doc-date" mode="date-label"/></dd>
        </xsl:if>
        <xsl:for-each select="$header/profileDesc/correspDesc/correspAction">
          <dt><xsl:value-of select="if (@type = 'sent') then 'From' else if (@type = 'received') then 'To' else 'Correspondent'"/></dt>
          <dd>
            <xsl:for-each select="persName | orgName | name | placeName">
              <xsl:apply-templates select="."/>
              <xsl:if test="position() != last()">, </xsl:if>
            </xsl:for-each>
          </dd>
        </xsl:for-each>
        <xsl:if test="$msid/(repository, institution, settlement, collection, idno)">
          <dt>Archive</dt>
          <dd class="archive">
            <xsl:value-of select="string-join(($msid/settlement, $msid/institution, $msid/repository) ! normalize-space(), ', ')"/>
          </dd>
          <xsl:if test="$msid/(collection | idno | altIdentifier/idno) or $ms/msContents/msItem/locus">
            <dt>Signature</dt>
            <dd class="signature">
              <ul class="signature-parts">
                <xsl:for-each select="$msid/collection, $msid/idno, $msid/altIdentifier/idno, $ms/msContents/msItem/locus">
                  <li>
                    <xsl:choose>
                      <xsl:when test="self::locus"><span class="sig-type">folios</span><xsl:text> </xsl:text></xsl:when>
                      <xsl:when test="@type"><span class="sig-type"><xsl:value-of select="@type"/></span><xsl:text> </xsl:text></xsl:when>
                      <xsl:when test="self::collection"><span class="sig-type">collection</span><xsl:text> </xsl:text></xsl:when>
                    </xsl:choose>
                    <span class="sig-value"><xsl:value-of select="normalize-space(if (self::locus and @from) then
                        (if (@to and @to != @from) then concat(@from, '–', @to) else @from) else .)"/></span>
                  </li>
                </xsl:for-each>
              </ul>
            </dd>
          </xsl:if>
        </xsl:if>
        <xsl:for-each select="($header/fileDesc/sourceDesc/bibl[@type = 'citation'], $header/fileDesc/sourceDesc/bibl)[1]">
          <dt>Citation</dt><dd class="citation"><xsl:value-of select="normalize-space(.)"/></dd>
        </xsl:for-each>
        <xsl:for-each select="$header/fileDesc/titleStmt/respStmt[persName or orgName or name[not(@type = 'software')]]">
          <dt><xsl:value-of select="normalize-space(resp)"/></dt>
          <dd>
            <xsl:for-each select="persName | orgName | name">
              <xsl:apply-templates select="."/>
              <xsl:if test="position() != last()">, </xsl:if>
            </xsl:for-each>
          </dd>
        </xsl:for-each>
        <xsl:for-each select="$header/fileDesc/titleStmt/author[normalize-space()]">
          <dt>Author</dt><dd><xsl:value-of select="normalize-space(.)"/></dd>
        </xsl:for-each>
        <xsl:for-each select="$header/fileDesc/titleStmt/funder[normalize-space()]">
          <dt>Funded by</dt><dd class="funder"><xsl:value-of select="normalize-space(.)"/></dd>
        </xsl:for-each>
        <xsl:for-each select="$ms/msContents/textLang[@mainLang]">
          <dt>Original language</dt><dd><xsl:value-of select="(normalize-space(.)[.], @mainLang)[1]"/></dd>
        </xsl:for-each>
        <xsl:for-each select="$header/fileDesc/publicationStmt/idno[@type = ('url', 'URL', 'uri', 'source-url')][matches(., '^https?://')]">
          <dt>Source</dt><dd><a href="{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a></dd>
        </xsl:for-each>
    </xsl:variable>
    <xsl:if test="exists($rows) or $header/profileDesc/abstract[normalize-space()]">
    <section class="metadata" aria-labelledby="meta-h">
      <h2 id="meta-h">About this document</h2>
      <xsl:if test="exists($rows)"><dl><xsl:sequence select="$rows"/></dl></xsl:if>
      <xsl:for-each select="$header/profileDesc/abstract[normalize-space()]">
        <section class="abstract" aria-labelledby="abstract-h">
          <h2 id="abstract-h">Summary</h2>
          <xsl:apply-templates/>
        </section>
      </xsl:for-each>
    </section>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tools">
    <div class="tools" role="group" aria-label="Views and downloads">
      <xsl:if test="$has-choice">
        <button type="button" class="toggle-reg" aria-pressed="false" hidden="">
          Show regularised spellings
        </button>
      </xsl:if>
      <xsl:if test="$tei-href">
        <a class="download tei-link" href="{$tei-href}" type="application/tei+xml">TEI/XML source</a>
      </xsl:if>
      <xsl:if test="$pdf-href">
        <a class="download pdf-link" href="{$pdf-href}" type="application/pdf">PDF</a>
      </xsl:if>
    </div>
  </xsl:template>

  <xsl:template name="conventions">
    <details class="conventions">
      <summary>Editorial conventions</summary>
      <dl>
        <dt><span class="supplied">[word]</span></dt><dd>Supplied by the translator or editor (hover or focus for the reason).</dd>
        <dt><span class="gap">[…]</span></dt><dd>Text left out by the editors of the source.</dd>
        <dt><span class="name person">Name</span></dt><dd>A person, place or organisation: the link leads to the index entry.</dd>
        <dt><span class="name uncertain">Name</span></dt><dd>A name not yet identified in the register.</dd>
      </dl>
      <xsl:for-each select="$header/encodingDesc/editorialDecl/p">
        <p><xsl:value-of select="normalize-space(.)"/></p>
      </xsl:for-each>
    </details>
  </xsl:template>

  <xsl:template name="prev-next">
    <xsl:if test="$prev-href or $next-href">
      <nav class="prev-next" aria-label="Previous and next document">
        <ul>
          <xsl:if test="$prev-href">
            <li class="prev"><a href="{$prev-href}" rel="prev"><span class="dir">← Previous</span>
              <span class="pn-title"><xsl:value-of select="$prev-title"/></span></a></li>
          </xsl:if>
          <xsl:if test="$next-href">
            <li class="next"><a href="{$next-href}" rel="next"><span class="dir">Next →</span>
              <span class="pn-title"><xsl:value-of select="$next-title"/></span></a></li>
          </xsl:if>
        </ul>
      </nav>
    </xsl:if>
  </xsl:template>

  <!-- Title in the h1: keep editorial marks but no block structure, links or notes. -->
  <xsl:template match="ref[@type = 'noteAnchor'] | note" mode="title"/>
  <xsl:template match="*" mode="title"><xsl:apply-templates select="." /></xsl:template>
  <xsl:template match="persName | placeName | orgName | name | rs | ref | ptr" mode="title">
    <xsl:apply-templates mode="title"/>
  </xsl:template>
  <xsl:template match="text()" mode="title"><xsl:value-of select="."/></xsl:template>

  <!-- =============================================================== text -->
  <xsl:template name="id">
    <xsl:if test="@xml:id and key('xmlid', @xml:id)[1] is .">
      <xsl:attribute name="id" select="concat('x-', @xml:id)"/>
    </xsl:if>
    <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
  </xsl:template>

  <xsl:template match="text[site:in-para(.)]" priority="2">
    <span class="tei-text"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="text">
    <div class="tei-text">
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </div>
  </xsl:template>

  <xsl:template match="front | body | back | group">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'div'}">
      <xsl:attribute name="class" select="local-name()"/>
      <xsl:call-template name="id"/><xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- A damaged block (mojibake kept verbatim): collapsed with a notice. -->
  <xsl:template match="div[.//damage]" priority="2">
    <xsl:variable name="lang" select="@xml:lang"/>
    <details class="damaged">
      <xsl:call-template name="id"/>
      <summary>
        <span class="notice">Damaged text</span>
        <xsl:text> </xsl:text>
        <xsl:value-of select="normalize-space((head, 'Block')[1])"/>
        <xsl:text>: the source's text here is damaged beyond repair and is shown verbatim (click to open).</xsl:text>
      </summary>
      <xsl:apply-templates select="node() except head"/>
    </details>
  </xsl:template>
  <xsl:template match="note[@type = 'damage']" priority="2">
    <p class="notice damage-note"><xsl:apply-templates/></p>
  </xsl:template>
  <xsl:template match="damage">
    <span class="damage" title="Damaged in the source"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="div | div1 | div2 | div3 | div4 | div5 | div6 | div7">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'section'}">
      <xsl:attribute name="class" select="concat('div', if (@type) then concat(' div-', replace(@type, '[^A-Za-z0-9_-]', '')) else '')"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="head">
    <xsl:variable name="depth" select="count(ancestor::*[self::div or starts-with(local-name(), 'div')
                                        or self::text[ancestor::text] or self::group])"/>
    <xsl:element name="h{min((6, $depth + 1))}">
      <xsl:attribute name="class" select="'head'"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>
  <!-- heads inside lists, tables, figures, notes are captions, not headings -->
  <xsl:template match="list/head | table/head | figure/head | lg/head | note//head | sp//head | head[site:in-para(.)]" priority="2">
    <span class="caption"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="p | ab">
    <p>
      <xsl:if test="@n"><xsl:attribute name="data-n" select="@n"/></xsl:if>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </p>
  </xsl:template>
  <!-- p cannot nest in HTML: a p (or block) inside a p-level container becomes a span -->
  <xsl:template match="p[site:in-para(.) or ancestor::item[ancestor::p]] | ab[site:in-para(.)]" priority="3">
    <span class="p"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="opener | closer | postscript | salute | signed | dateline | byline | docDate | docAuthor | argument | epigraph | trailer | address">
    <xsl:variable name="inline" select="site:in-para(.)"/>
    <xsl:element name="{if ($inline or self::salute or self::signed or self::dateline or self::docDate or self::docAuthor or self::byline)
                         then (if ($inline) then 'span' else 'p') else 'div'}">
      <xsl:attribute name="class" select="local-name()"/>
      <xsl:call-template name="id"/>
      <xsl:if test="self::postscript and not(*[not(self::p)])"><xsl:attribute name="aria-label" select="'Postscript'"/></xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>
  <!-- block-level children of an element rendered as <p> -->
  <xsl:template match="*[self::salute or self::signed or self::dateline or self::docDate or self::byline]
                        //*[self::p or self::list or self::table or self::lg or self::quote[p]]" priority="4">
    <span class="{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="seg[@type = ('letterhead', 'memo')]" priority="2">
    <xsl:variable name="inline" select="site:in-para(.)"/>
    <xsl:element name="{if ($inline) then 'span' else 'p'}">
      <xsl:attribute name="class" select="string-join(('seg', @type, @subtype ! concat(../@type, '-', .)), ' ')"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="lb">
    <xsl:if test="preceding-sibling::node()[normalize-space() or self::*]"><br/></xsl:if>
    <xsl:if test="@xml:id"><span><xsl:call-template name="id"/></span></xsl:if>
  </xsl:template>
  <xsl:template match="pb">
    <span class="pb" role="note">
      <xsl:call-template name="id"/>
      <xsl:text>[page</xsl:text>
      <xsl:if test="@n"><xsl:text> </xsl:text><xsl:value-of select="@n"/></xsl:if>
      <xsl:text>]</xsl:text>
    </span>
  </xsl:template>
  <xsl:template match="cb | milestone | anchor | fw | facsimile | surface | zone | addSpan | delSpan | handShift | metamark[not(normalize-space())]">
    <xsl:if test="@xml:id"><span><xsl:call-template name="id"/></span></xsl:if>
  </xsl:template>

  <!-- editorial marks -->
  <xsl:template match="supplied">
    <xsl:variable name="why" select="if (@reason = 'completion') then 'completes a name or word'
                                     else if (@reason = 'implied') then 'makes the sense explicit'
                                     else if (@reason = 'gloss') then 'identifies or explains'
                                     else if (@reason) then string(@reason) else ''"/>
    <span class="supplied" title="Supplied by the translator or editor{if ($why) then concat(': ', $why) else ''}">
      <xsl:call-template name="id"/>
      <xsl:text>[</xsl:text><xsl:apply-templates/><xsl:text>]</xsl:text>
    </span>
  </xsl:template>

  <xsl:template match="gap">
    <xsl:variable name="omitted" select="not(@reason) or @reason = ('omitted', 'editorial', 'irrelevant')"/>
    <span class="gap">
      <xsl:attribute name="title" select="if ($omitted) then 'Text left out by the editors'
                                          else concat('Not transcribed: ', @reason)"/>
      <xsl:call-template name="id"/>
      <xsl:value-of select="if ($omitted or not(@reason)) then '[…]' else concat('[', @reason, ']')"/>
    </span>
  </xsl:template>

  <xsl:template match="choice">
    <xsl:variable name="orig" select="(orig, sic, abbr, seg)[1]"/>
    <xsl:variable name="reg" select="(reg, corr, expan, seg[2])[1]"/>
    <span class="choice">
      <xsl:call-template name="id"/>
      <xsl:choose>
        <xsl:when test="$orig and $reg">
          <span class="orig" title="{if ($reg/self::expan) then 'Expanded' else if ($reg/self::corr) then 'Corrected' else 'Regularised'}: {normalize-space($reg)}">
            <xsl:apply-templates select="$orig/node()"/>
          </span>
          <span class="reg" title="As written in the source: {normalize-space($orig)}">
            <xsl:apply-templates select="$reg/node()"/>
          </span>
        </xsl:when>
        <xsl:otherwise><xsl:apply-templates select="*[1]/node()"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>
  <xsl:template match="sic | orig | abbr | expan | reg | corr">
    <span class="{local-name()}"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="del"><del><xsl:call-template name="id"/><xsl:apply-templates/></del></xsl:template>
  <xsl:template match="add"><ins><xsl:call-template name="id"/><xsl:apply-templates/></ins></xsl:template>
  <xsl:template match="unclear">
    <span class="unclear" title="Unclear in the source"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="subst | rdgGrp">
    <span class="{local-name()}"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>
  <!-- apparatus: the lemma (or the first reading) in the text -->
  <xsl:template match="app">
    <span class="app"><xsl:call-template name="id"/><xsl:apply-templates select="(lem, rdg)[1]/node()"/><xsl:apply-templates select="note"/></span>
  </xsl:template>

  <xsl:template match="ref[@type = 'noteAnchor']" priority="2">
    <sup class="note-anchor" title="Footnote {normalize-space(.)} of the source; the source does not give its text">
      <xsl:text>[</xsl:text><xsl:value-of select="normalize-space(.)"/><xsl:text>]</xsl:text>
    </sup>
  </xsl:template>

  <xsl:template match="note">
    <sup class="note-ref">
      <a href="#{site:note-id(.)}" id="fnref-{generate-id()}">
        <xsl:attribute name="aria-label" select="concat('Note ', (@n, count(preceding::note[not(@type = 'damage')]) + 1)[1])"/>
        <xsl:value-of select="(@n, '*')[1]"/>
      </a>
    </sup>
  </xsl:template>
  <xsl:function name="site:note-id" as="xs:string">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="if ($note/@xml:id and key('xmlid', $note/@xml:id, root($note))[1] is $note)
                          then concat('x-', $note/@xml:id) else concat('fn-', generate-id($note))"/>
  </xsl:function>
  <xsl:template match="note[ancestor::note]" priority="1.5">
    <span class="note-inner"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="note[ancestor::teiHeader]" priority="1.5"><xsl:apply-templates/></xsl:template>

  <!-- names -->
  <xsl:function name="site:entry" as="element()?">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="ref" select="tokenize(normalize-space($name/@ref), ' ')[1]"/>
    <xsl:if test="exists($register) and $ref and matches($ref, '(^|/)(persons|places|orgs)\.xml#')">
      <xsl:sequence select="key('entry', replace($ref, '^.*/', ''), $register)[1]"/>
    </xsl:if>
  </xsl:function>

  <xsl:template match="persName | placeName | orgName | name | rs">
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="entry" select="site:entry(.)"/>
    <xsl:variable name="kind" select="if (self::persName or @type = 'person') then 'person'
                                      else if (self::placeName or @type = 'place') then 'place'
                                      else if (self::orgName or @type = 'org') then 'org' else 'name'"/>
    <xsl:choose>
      <xsl:when test="$entry and not($in-link)">
        <xsl:variable name="tip" select="concat('tip-', generate-id())"/>
        <span class="ent">
          <a class="name {$kind}" href="{$root}{$entry/@page}#{$entry/@id}" aria-describedby="{$tip}">
            <xsl:call-template name="id"/>
            <xsl:apply-templates>
              <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
            </xsl:apply-templates>
          </a>
          <span class="tip" role="tooltip" id="{$tip}">
            <strong><xsl:value-of select="$entry/@name"/></strong>
            <xsl:if test="normalize-space($entry/@desc)">
              <xsl:text>: </xsl:text><xsl:value-of select="$entry/@desc"/>
            </xsl:if>
          </span>
        </span>
      </xsl:when>
      <xsl:otherwise>
        <span class="name {$kind}{if (@cert = 'low' or (@ref and not($entry) and matches(@ref, '(persons|places|orgs)\.xml'))) then ' uncertain' else ''}">
          <xsl:if test="@cert = 'low' and not(@ref)">
            <xsl:attribute name="title" select="'Not yet identified in the register'"/>
          </xsl:if>
          <xsl:call-template name="id"/>
          <xsl:apply-templates/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="roleName | addName | forename | surname | genName | nameLink | geogName | settlement | country | region | bloc | district">
    <span class="{local-name()}"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="date | time">
    <xsl:variable name="iso" select="(@when, @from, @notBefore)[1]"/>
    <xsl:choose>
      <xsl:when test="$iso castable as xs:date or $iso castable as xs:gYearMonth or $iso castable as xs:gYear or $iso castable as xs:dateTime">
        <time class="date" datetime="{$iso}">
          <xsl:if test="@cert or @evidence">
            <xsl:attribute name="title" select="concat(site:format-date($iso), ' (year completed from the document''s date)')"/>
          </xsl:if>
          <xsl:call-template name="id"/>
          <xsl:apply-templates/>
        </time>
      </xsl:when>
      <xsl:otherwise><span class="date"><xsl:call-template name="id"/><xsl:apply-templates/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- links, inline -->
  <xsl:template match="ref | ptr">
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="t" select="tokenize(normalize-space(@target), ' ')[1]"/>
    <xsl:variable name="local" select="if (starts-with($t, '#')) then key('xmlid', substring($t, 2))[1] else ()"/>
    <xsl:variable name="href" select="if ($local[ancestor::text]) then concat('#x-', substring($t, 2))
                                      else if (matches($t, '^https?://')) then $t else ''"/>
    <xsl:choose>
      <xsl:when test="$href and not($in-link)">
        <a href="{$href}">
          <xsl:call-template name="id"/>
          <xsl:apply-templates>
            <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:if test="self::ptr"><xsl:value-of select="if ($local) then '↗' else $t"/></xsl:if>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="ref"><xsl:call-template name="id"/><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="hi | emph | foreign | term | mentioned | soCalled | title | distinct | gloss | c | w | g | num | measure | seg | s | phr | cl | orig[not(parent::choice)] | affiliation | email | idno | objectName | said | label[ancestor::p or ancestor::item or ancestor::l] | bibl[ancestor::p or ancestor::note or ancestor::item or ancestor::l]" priority="0.5">
    <xsl:variable name="rend" select="lower-case(string-join((@rend, @rendition, @style), ' '))"/>
    <xsl:variable name="r" select="tokenize($rend, '[\s#(),;:]+')"/>
    <xsl:variable name="el" select="if (self::emph or $r = ('italic', 'i', 'it', 'italics')) then 'em'
                                    else if ($r = ('bold', 'b', 'strong')) then 'strong'
                                    else if ($r = ('sup', 'superscript')) then 'sup'
                                    else if ($r = ('sub', 'subscript')) then 'sub'
                                    else if (self::title) then 'cite'
                                    else 'span'"/>
    <xsl:element name="{$el}">
      <xsl:attribute name="class" select="string-join((local-name(), @type ! replace(., '[^A-Za-z0-9_-]', ''),
                                                        if (matches($rend, 'small-?caps|smcap')) then 'smallcaps' else (),
                                                        if (matches($rend, 'underline')) then 'underline' else ()), ' ')"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="q | quote | cit">
    <xsl:choose>
      <xsl:when test="(p | lg | l | list | quote[p]) and not(site:in-para(.) or ancestor::item[ancestor::p])">
        <blockquote><xsl:call-template name="id"/><xsl:apply-templates/></blockquote>
      </xsl:when>
      <xsl:otherwise>
        <span class="{local-name()}"><xsl:call-template name="id"/><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- lists, tables, verse -->
  <xsl:template match="list | listBibl | listPerson | listPlace | listOrg | listEvent">
    <xsl:choose>
      <xsl:when test="site:in-para(.)">
        <span class="list"><xsl:call-template name="id"/><xsl:apply-templates/></span>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="head"/>
        <xsl:element name="{if (@rend = ('numbered', 'ordered') or @type = ('ordered', 'numbered')) then 'ol' else 'ul'}">
          <xsl:attribute name="class" select="local-name()"/>
          <xsl:call-template name="id"/>
          <xsl:for-each-group select="node()[not(self::head)]" group-starting-with="item | bibl | biblStruct | person | place | org | event | label">
            <xsl:if test="current-group()[self::* or normalize-space()]">
              <li><xsl:apply-templates select="current-group()" mode="list-item"/></li>
            </xsl:if>
          </xsl:for-each-group>
        </xsl:element>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="item | label" mode="list-item">
    <xsl:if test="self::label"><strong class="label"><xsl:apply-templates/></strong><xsl:text> </xsl:text></xsl:if>
    <xsl:if test="self::item"><xsl:call-template name="id"/><xsl:apply-templates/></xsl:if>
  </xsl:template>
  <xsl:template match="node()" mode="list-item"><xsl:apply-templates select="."/></xsl:template>
  <xsl:template match="item | label"><span class="{local-name()}"><xsl:call-template name="id"/><xsl:apply-templates/></span></xsl:template>

  <xsl:template match="table">
    <xsl:choose>
      <xsl:when test="site:in-para(.)">
        <span class="table"><xsl:apply-templates/></span>
      </xsl:when>
      <xsl:otherwise>
        <div class="table-wrap">
          <table>
            <xsl:call-template name="id"/>
            <xsl:if test="head"><caption><xsl:apply-templates select="head/node()"/></caption></xsl:if>
            <tbody>
              <xsl:for-each select="row">
                <tr>
                  <xsl:for-each select="cell">
                    <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                      <xsl:if test="@cols castable as xs:integer and xs:integer(@cols) gt 1"><xsl:attribute name="colspan" select="@cols"/></xsl:if>
                      <xsl:if test="@rows castable as xs:integer and xs:integer(@rows) gt 1"><xsl:attribute name="rowspan" select="@rows"/></xsl:if>
                      <xsl:apply-templates/>
                    </xsl:element>
                  </xsl:for-each>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="row | cell"><span class="{local-name()}"><xsl:apply-templates/></span></xsl:template>

  <xsl:template match="lg">
    <div class="lg"><xsl:call-template name="id"/><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="l">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'div'}">
      <xsl:attribute name="class" select="'l'"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="sp">
    <div class="sp"><xsl:call-template name="id"/><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="speaker">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'p'}">
      <xsl:attribute name="class" select="'speaker'"/><xsl:apply-templates/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="stage">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'p'}">
      <xsl:attribute name="class" select="'stage'"/><xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- Figures: images are not copied into the site, so describe them instead of a broken <img>. -->
  <xsl:template match="figure">
    <xsl:element name="{if (site:in-para(.)) then 'span' else 'figure'}">
      <xsl:attribute name="class" select="'figure'"/>
      <xsl:call-template name="id"/>
      <xsl:for-each select=".//graphic[@url]">
        <span class="graphic">[image: <xsl:value-of select="tokenize(@url, '/')[last()]"/>]</span>
      </xsl:for-each>
      <xsl:apply-templates select="node() except graphic"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="figDesc"><span class="figdesc"><xsl:apply-templates/></span></xsl:template>
  <xsl:template match="figure/head" priority="3">
    <span class="caption"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="graphic | media | binaryObject | formula[not(normalize-space())]"/>

  <!-- Nested TEI header data inside text (rare) and elements in other namespaces: not shown. -->
  <xsl:template match="teiHeader"/>
  <xsl:template match="*[namespace-uri() != 'http://www.tei-c.org/ns/1.0']" priority="5"/>

  <!-- Any other TEI element: a block if it holds blocks, else inline. Text is never lost. -->
  <xsl:template match="*">
    <xsl:variable name="block" select="exists(p | div | list | table | lg | ab | sp | head | quote[p])
                                       and not(site:in-para(.))"/>
    <xsl:element name="{if ($block) then 'div' else 'span'}">
      <xsl:attribute name="class" select="concat('tei-', local-name())"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="processing-instruction() | comment()"/>

</xsl:stylesheet>
