<?xml version="1.0" encoding="UTF-8"?>
<!--
  tei2print.xsl: the edition's TEI to print HTML for CSS paged media
  (rendered to PDF by WeasyPrint with xslt/tei2print.css).

  Input: a print job written by tei_encoder.pdf (the TEI files were read with
  the project's hardened parser; the job only wraps them):

    <job xmlns="urn:tei-encoder:print" mode="single|volume">
      <doc name="000_…"> <TEI>…</TEI> </doc> …
    </job>

  The register (tei/register/*.xml) comes as the parameter $register.

  mode="single": one document per job, one HTML page.
  mode="volume": title page, contents (page numbers by target-counter),
  documents in chronological order, index of persons (page numbers by
  target-counter; tei_encoder.pdf may replace them with merged numbers).

  The stylesheet knows presentation only: no Python, no file system.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:pj="urn:tei-encoder:print"
    xmlns:f="urn:tei-encoder:print:functions"
    xmlns="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="#all">

  <xsl:output method="xhtml" html-version="5" encoding="UTF-8" indent="no" omit-xml-declaration="yes"/>

  <!-- The volume's title and publisher; tei_encoder.pdf passes them. -->
  <xsl:param name="edition-title" as="xs:string" select="'North Korea in the Cold War: Documents from the Archives'"/>
  <xsl:param name="edition-publisher" as="xs:string" select="'tei-encoder edition'"/>
  <!-- Glosses ([Chinese Minister of Defense] Peng Dehuai) of at least this many
       words that stand in running prose become footnotes; shorter ones and
       those in headings, letterheads and signatures stay inline in brackets.
       0 keeps every gloss inline. -->
  <xsl:param name="gloss-footnote-words" as="xs:integer" select="4"/>
  <xsl:param name="running-title-length" as="xs:integer" select="70"/>
  <!-- true: the volume's title page and contents only (to count their pages). -->
  <xsl:param name="front-only" as="xs:boolean" select="false()"/>

  <!-- The edition's register (persons, places, orgs), one document wrapping
       their TEI roots: <register xmlns="urn:tei-encoder:print"><TEI>…</TEI>…</register>. -->
  <xsl:param name="register" as="document-node()?" select="()"/>

  <xsl:key name="register" match="*[@xml:id]" use="@xml:id"/>

  <!-- ================================================================ -->
  <!-- Functions                                                         -->
  <!-- ================================================================ -->

  <!-- The document's date as a sortable string (undated documents sort last). -->
  <xsl:function name="f:sort-date" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="d" select="($tei/tei:teiHeader/tei:profileDesc/tei:creation/tei:date)[1]"/>
    <xsl:sequence select="string(($d/@when, $d/@from, $d/@notBefore, $d/@notAfter, $d/@to, '9999')[1])"/>
  </xsl:function>

  <!-- An ISO date (YYYY, YYYY-MM, YYYY-MM-DD) in words: 22 August 1963. -->
  <xsl:function name="f:format-iso" as="xs:string">
    <xsl:param name="iso" as="xs:string"/>
    <xsl:choose>
      <xsl:when test="$iso castable as xs:date">
        <xsl:sequence select="format-date(xs:date($iso), '[D] [MNn] [Y]', 'en', (), ())"/>
      </xsl:when>
      <xsl:when test="$iso castable as xs:gYearMonth">
        <xsl:sequence select="format-date(xs:date($iso || '-01'), '[MNn] [Y]', 'en', (), ())"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$iso"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The document's date for headings and running heads. -->
  <xsl:function name="f:doc-date" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="d" select="($tei/tei:teiHeader/tei:profileDesc/tei:creation/tei:date)[1]"/>
    <xsl:choose>
      <xsl:when test="$d/@when">
        <xsl:sequence select="f:format-iso($d/@when)"/>
      </xsl:when>
      <xsl:when test="$d/@from and $d/@to">
        <xsl:sequence select="f:format-iso($d/@from) || '–' || f:format-iso($d/@to)"/>
      </xsl:when>
      <xsl:when test="$d/@notBefore and $d/@notAfter">
        <xsl:sequence select="'between ' || f:format-iso($d/@notBefore) || ' and ' || f:format-iso($d/@notAfter)"/>
      </xsl:when>
      <xsl:when test="normalize-space($d)">
        <xsl:sequence select="normalize-space($d)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="'undated'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The main title as plain text (supplied words in brackets, no note markers). -->
  <xsl:function name="f:title-text" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="t" select="($tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'],
                                    $tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title)[1]"/>
    <xsl:variable name="s">
      <xsl:apply-templates select="$t/node()" mode="plain"/>
    </xsl:variable>
    <xsl:sequence select="if (normalize-space($s)) then normalize-space($s) else string($tei/@xml:id)"/>
  </xsl:function>

  <!-- A title shortened at a word boundary for the running head. -->
  <xsl:function name="f:shorten" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="max" as="xs:integer"/>
    <xsl:choose>
      <xsl:when test="string-length($s) le $max">
        <xsl:sequence select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="cut" select="substring($s, 1, $max)"/>
        <xsl:variable name="at-word" select="replace($cut, '\s+\S*$', '')"/>
        <xsl:sequence select="replace(if (string-length($at-word) gt $max idiv 2) then $at-word else $cut, '[\s,;:.]+$', '') || ' …'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The register entry a name points to, if any. -->
  <xsl:function name="f:entry" as="element()?">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="id" select="if (contains($name/@ref, '#')) then substring-after($name/@ref, '#')
                                    else string($name/@ref)"/>
    <xsl:sequence select="if ($id and exists($register)) then key('register', $id, $register)[1] else ()"/>
  </xsl:function>

  <!-- The heading of an index entry: the register's preferred name, or the name as written. -->
  <xsl:function name="f:index-heading" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="e" select="f:entry($name)"/>
    <xsl:variable name="pref" select="($e/tei:persName[@type = 'preferred'], $e/tei:persName)[1]"/>
    <xsl:choose>
      <xsl:when test="$pref/tei:surname">
        <xsl:sequence select="normalize-space(string-join($pref/tei:surname, ' ')) ||
                              (if ($pref/tei:forename) then ', ' || normalize-space(string-join($pref/tei:forename, ' ')) else '')"/>
      </xsl:when>
      <!-- "Alexander Puzanov" with the surname form "Puzanov": "Puzanov, Alexander";
           names written surname first (Kim Il Sung, Mao Zedong) stay as they are. -->
      <xsl:when test="$pref and $e/tei:persName[@type = 'surname']
                      [ends-with(normalize-space($pref), ' ' || normalize-space(.))]">
        <xsl:variable name="sur" select="normalize-space(($e/tei:persName[@type = 'surname']
                      [ends-with(normalize-space($pref), ' ' || normalize-space(.))])[1])"/>
        <xsl:variable name="full" select="normalize-space($pref)"/>
        <xsl:sequence select="$sur || ', ' || substring($full, 1, string-length($full) - string-length($sur) - 1)"/>
      </xsl:when>
      <xsl:when test="$pref">
        <xsl:sequence select="normalize-space($pref)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="s">
          <xsl:apply-templates select="$name/node()" mode="plain"/>
        </xsl:variable>
        <xsl:sequence select="normalize-space($s)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The same in a document's own PDF and in the volume, so that the pages of
       the documents' own PDFs can give the index its page numbers. -->
  <xsl:function name="f:anchor-id" as="xs:string">
    <xsl:param name="n" as="element()"/>
    <xsl:variable name="i" as="xs:integer">
      <xsl:number select="$n" level="any" from="tei:TEI" count="tei:persName[ancestor::tei:text]"/>
    </xsl:variable>
    <xsl:sequence select="'pn-' || f:doc-id($n/ancestor::tei:TEI[1]) || '-' || $i"/>
  </xsl:function>

  <!-- ================================================================ -->
  <!-- The job                                                           -->
  <!-- ================================================================ -->

  <xsl:template match="/pj:job[@mode = 'single']">
    <xsl:variable name="tei" select="(pj:doc/tei:TEI)[1]"/>
    <html lang="{($tei/tei:text/@xml:lang, $tei/@xml:lang, 'en')[1]}">
      <head>
        <xsl:call-template name="metadata">
          <xsl:with-param name="title" select="f:title-text($tei)"/>
          <xsl:with-param name="tei" select="$tei"/>
        </xsl:call-template>
      </head>
      <body class="single">
        <xsl:apply-templates select="$tei"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="/pj:job[@mode = 'volume']">
    <xsl:variable name="docs" as="element(tei:TEI)*">
      <xsl:perform-sort select="pj:doc/tei:TEI">
        <xsl:sort select="f:sort-date(.)"/>
        <xsl:sort select="string(../@name)"/>
      </xsl:perform-sort>
    </xsl:variable>
    <html lang="en">
      <head>
        <xsl:call-template name="metadata">
          <xsl:with-param name="title" select="$edition-title"/>
          <xsl:with-param name="tei" select="()"/>
        </xsl:call-template>
      </head>
      <body class="volume">
        <section class="titlepage">
          <h1 class="edition-title"><xsl:value-of select="$edition-title"/></h1>
          <p class="edition-subtitle">
            <xsl:value-of select="count($docs)"/>
            <xsl:value-of select="if (count($docs) = 1) then ' document' else ' documents'"/>
            <xsl:if test="exists($docs[f:sort-date(.) ne '9999'])">
              <xsl:variable name="years" select="$docs ! substring(f:sort-date(.), 1, 4)[. ne '9999']"/>
              <xsl:value-of select="', ' || min($years ! xs:integer(.)) ||
                                    (if (min($years ! xs:integer(.)) ne max($years ! xs:integer(.)))
                                     then '–' || max($years ! xs:integer(.)) else '')"/>
            </xsl:if>
          </p>
          <p class="edition-publisher"><xsl:value-of select="$edition-publisher"/></p>
          <p class="edition-colophon">Encoded in TEI P5. Square brackets mark words supplied by the
            translator or editor; […] marks text omitted by the editors.</p>
        </section>
        <nav class="toc">
          <h1 class="toc-title">Contents</h1>
          <ol>
            <xsl:for-each select="$docs">
              <li>
                <a href="#{f:doc-id(.)}">
                  <span class="toc-number"><xsl:value-of select="position()"/>.</span>
                  <span class="toc-entry">
                    <span class="toc-doc-title"><xsl:value-of select="f:title-text(.)"/></span>
                    <span class="toc-date"><xsl:value-of select="f:doc-date(.)"/></span>
                  </span>
                </a>
              </li>
            </xsl:for-each>
            <xsl:if test="$docs//tei:text//tei:persName">
              <li class="toc-index"><a href="#index-persons"><span class="toc-number"/><span class="toc-entry"><span class="toc-doc-title">Index of persons</span></span></a></li>
            </xsl:if>
          </ol>
        </nav>
        <xsl:if test="not($front-only)">
          <xsl:for-each select="$docs">
            <xsl:apply-templates select=".">
              <xsl:with-param name="number" select="position()"/>
            </xsl:apply-templates>
          </xsl:for-each>
          <xsl:call-template name="index">
            <xsl:with-param name="docs" select="$docs"/>
          </xsl:call-template>
        </xsl:if>
      </body>
    </html>
  </xsl:template>

  <xsl:function name="f:doc-id" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="if ($tei/@xml:id) then string($tei/@xml:id) else 'doc-' || string($tei/../@name)"/>
  </xsl:function>

  <xsl:template name="metadata">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="tei" as="element(tei:TEI)?"/>
    <meta charset="utf-8"/>
    <title><xsl:value-of select="$title"/></title>
    <xsl:variable name="authors" as="xs:string*">
      <xsl:for-each select="$tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author
                            | $tei/tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction[@type = 'sent']/(tei:persName | tei:orgName)">
        <xsl:variable name="s">
          <xsl:apply-templates select="node()" mode="plain"/>
        </xsl:variable>
        <xsl:sequence select="normalize-space($s)[.]"/>
      </xsl:for-each>
    </xsl:variable>
    <meta name="author" content="{if (exists($authors)) then string-join(distinct-values($authors), '; ') else $edition-publisher}"/>
    <xsl:variable name="abstract" select="normalize-space(string-join($tei/tei:teiHeader/tei:profileDesc/tei:abstract, ' '))"/>
    <xsl:if test="$abstract">
      <meta name="description" content="{$abstract}"/>
    </xsl:if>
    <xsl:variable name="keywords" select="$tei/tei:teiHeader/tei:profileDesc/tei:textClass/tei:keywords/tei:term/normalize-space()[.]"/>
    <xsl:if test="exists($keywords)">
      <meta name="keywords" content="{string-join($keywords, ', ')}"/>
    </xsl:if>
    <meta name="generator" content="tei-encoder (xslt/tei2print.xsl, WeasyPrint)"/>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- A document                                                        -->
  <!-- ================================================================ -->

  <xsl:template match="tei:TEI">
    <xsl:param name="number" as="xs:integer?" select="()"/>
    <xsl:variable name="title" select="f:title-text(.)"/>
    <xsl:variable name="date" select="f:doc-date(.)"/>
    <article class="document" id="{f:doc-id(.)}"
             data-running-title="{f:shorten($title, $running-title-length)}" data-running-date="{$date}">
      <xsl:if test="tei:text/@xml:lang">
        <xsl:attribute name="lang" select="tei:text/@xml:lang"/>
      </xsl:if>
      <header class="doc-header">
        <p class="doc-date">
          <xsl:if test="exists($number)"><span class="doc-number"><xsl:value-of select="$number"/>. </span></xsl:if>
          <xsl:value-of select="$date"/>
        </p>
        <h1 class="doc-title">
          <xsl:apply-templates select="(tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'],
                                        tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title)[1]/node()"/>
        </h1>
        <xsl:apply-templates select="tei:teiHeader/tei:profileDesc/tei:abstract" mode="header"/>
        <xsl:call-template name="source-note"/>
      </header>
      <xsl:apply-templates select="tei:text"/>
    </article>
  </xsl:template>

  <xsl:template match="tei:abstract" mode="header">
    <div class="summary">
      <xsl:for-each select="tei:p">
        <p><xsl:apply-templates/></p>
      </xsl:for-each>
      <xsl:if test="not(tei:p)">
        <p><xsl:apply-templates/></p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- Archival citation, record identifiers, translator, funder, original language. -->
  <xsl:template name="source-note">
    <xsl:variable name="h" select="tei:teiHeader"/>
    <xsl:variable name="ms" select="($h/tei:fileDesc/tei:sourceDesc/tei:msDesc)[1]"/>
    <xsl:variable name="citation" select="($h/tei:fileDesc/tei:sourceDesc/tei:bibl[@type = 'citation'],
                                           $h/tei:fileDesc/tei:sourceDesc/tei:bibl)[1]"/>
    <div class="source-note">
      <p class="source-citation">
        <span class="label">Source: </span>
        <xsl:choose>
          <xsl:when test="$citation">
            <xsl:apply-templates select="$citation/node()"/>
          </xsl:when>
          <xsl:when test="$ms/tei:msIdentifier">
            <xsl:value-of select="string-join(($ms/tei:msIdentifier/tei:repository,
                                               $ms/tei:msIdentifier/tei:collection,
                                               $ms/tei:msIdentifier/tei:idno ! (string(@type) || ' ' || .),
                                               $ms/tei:msContents/tei:msItem/tei:locus) ! normalize-space(.)[.], ', ')"/>
          </xsl:when>
          <xsl:otherwise>not recorded.</xsl:otherwise>
        </xsl:choose>
      </p>
      <xsl:for-each-group select="$h/tei:fileDesc/tei:titleStmt/tei:respStmt[not(tei:name[@type = 'software'])]"
                          group-by="normalize-space(tei:resp)">
        <p class="source-resp">
          <span class="label"><xsl:value-of select="current-grouping-key()"/>: </span>
          <xsl:for-each select="current-group()/(tei:persName | tei:orgName | tei:name)">
            <xsl:if test="position() gt 1">, </xsl:if>
            <xsl:apply-templates select="."/>
          </xsl:for-each>
        </p>
      </xsl:for-each-group>
      <xsl:for-each select="$h/tei:fileDesc/tei:titleStmt/tei:funder">
        <p class="source-funder"><span class="label">Funded by: </span><xsl:apply-templates/></p>
      </xsl:for-each>
      <xsl:variable name="orig" select="$ms/tei:msContents/tei:textLang"/>
      <xsl:if test="$orig">
        <p class="source-language"><span class="label">Original language: </span>
          <xsl:value-of select="if (normalize-space($orig)) then normalize-space($orig)
                                else ($h/tei:profileDesc/tei:langUsage/tei:language[@ident = $orig/@mainLang],
                                      $orig/@mainLang)[1]"/>
        </p>
      </xsl:if>
      <xsl:variable name="ids" select="$h/tei:fileDesc/tei:publicationStmt/tei:idno[not(@type = 'filename')]"/>
      <xsl:if test="$ids">
        <p class="source-ids"><span class="label">Record: </span>
          <xsl:for-each select="$ids">
            <xsl:if test="position() gt 1">; </xsl:if>
            <xsl:value-of select="normalize-space(.)"/>
          </xsl:for-each>
        </p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- The text                                                          -->
  <!-- ================================================================ -->

  <xsl:template match="tei:text">
    <div class="doc-text">
      <xsl:apply-templates select="tei:front | tei:body | tei:back"/>
    </div>
  </xsl:template>

  <xsl:template match="tei:body | tei:front | tei:back">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="tei:div">
    <section class="div div-{(@type, 'section')[1]}">
      <xsl:if test="@xml:lang">
        <xsl:attribute name="lang" select="@xml:lang"/>
      </xsl:if>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <xsl:template match="tei:div/tei:head">
    <h2 class="head"><xsl:apply-templates/><xsl:call-template name="attached-notes"/></h2>
  </xsl:template>

  <xsl:template match="tei:p">
    <p class="p"><xsl:apply-templates/><xsl:call-template name="attached-notes"/></p>
  </xsl:template>

  <!-- A note that stands as a block of its own in a div (type "damage" on a
       damaged block, say) becomes a footnote whose call ends the block before it. -->
  <xsl:template name="attached-notes">
    <xsl:if test="parent::tei:div">
      <xsl:apply-templates select="following-sibling::*[1][self::tei:note]" mode="attached"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:note" mode="attached">
    <span class="fn fn-note fn-{(@type, 'editorial')[1]}"><xsl:apply-templates/></span>
    <xsl:apply-templates select="following-sibling::*[1][self::tei:note]" mode="attached"/>
  </xsl:template>

  <xsl:template match="tei:opener">
    <div class="opener"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:closer">
    <div class="closer"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:postscript">
    <div class="postscript"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:opener/tei:seg | tei:closer/tei:seg">
    <p class="seg seg-{(@type, 'line')[1]}"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:dateline">
    <p class="dateline"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:salute">
    <p class="salute"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:signed">
    <p class="signed"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:list">
    <ul class="list"><xsl:apply-templates select="tei:item"/></ul>
  </xsl:template>

  <xsl:template match="tei:item">
    <li><xsl:apply-templates/></li>
  </xsl:template>

  <xsl:template match="tei:lb">
    <br/>
  </xsl:template>

  <xsl:template match="tei:hi">
    <span class="hi hi-{translate(normalize-space(@rend), ' ', '-')}"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:quote | tei:q">
    <span class="quote"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- Names: text as written; an anchor for the index. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName">
    <span class="{local-name()}">
      <xsl:if test="self::tei:persName and ancestor::tei:text">
        <xsl:attribute name="id" select="f:anchor-id(.)"/>
      </xsl:if>
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="tei:roleName | tei:date | tei:measure | tei:name | tei:rs | tei:title | tei:seg | tei:foreign | tei:term">
    <span class="{local-name()}">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <!-- Editorial interventions -->
  <xsl:template match="tei:supplied">
    <xsl:choose>
      <xsl:when test="f:gloss-as-footnote(.)">
        <span class="fn fn-gloss"><xsl:apply-templates/></span>
      </xsl:when>
      <xsl:otherwise>
        <span class="supplied supplied-{(@reason, 'unspecified')[1]}">[<xsl:apply-templates/>]</span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="f:gloss-as-footnote" as="xs:boolean">
    <xsl:param name="s" as="element(tei:supplied)"/>
    <xsl:sequence select="$gloss-footnote-words gt 0
                          and $s/@reason = 'gloss'
                          and exists($s/ancestor::tei:p[ancestor::tei:body])
                          and empty($s/ancestor::tei:persName | $s/ancestor::tei:orgName | $s/ancestor::tei:placeName
                                    | $s/ancestor::tei:head | $s/ancestor::tei:postscript | $s/ancestor::tei:note)
                          and count(tokenize(normalize-space($s), ' ')) ge $gloss-footnote-words"/>
  </xsl:function>

  <xsl:template match="tei:gap">
    <xsl:choose>
      <xsl:when test="not(@reason) or @reason = ('omitted', 'editorial', 'omission')">
        <span class="gap">[…]</span>
      </xsl:when>
      <xsl:otherwise>
        <span class="gap gap-described">[<xsl:value-of select="if (tei:desc) then normalize-space(tei:desc) else @reason"/>]</span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:choice">
    <xsl:variable name="first" select="(tei:orig, tei:sic, tei:abbr)[1]"/>
    <xsl:variable name="second" select="(tei:reg, tei:corr, tei:expan)[1]"/>
    <span class="choice">
      <xsl:apply-templates select="if ($first) then $first/node() else $second/node()"/>
      <xsl:if test="$first and $second">
        <span class="choice-alt"> [<xsl:apply-templates select="$second/node()"/>]</span>
      </xsl:if>
    </span>
  </xsl:template>

  <xsl:template match="tei:unclear">
    <span class="unclear"><xsl:apply-templates/><span class="unclear-mark">[?]</span></span>
  </xsl:template>

  <xsl:template match="tei:damage">
    <span class="damage"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:figure">
    <span class="figure">[<xsl:value-of select="normalize-space((tei:figDesc, tei:head, @type, 'figure')[1])"/>]</span>
  </xsl:template>

  <!-- Footnotes: editorial notes and the source's note markers. -->
  <xsl:template match="tei:note">
    <span class="fn fn-note fn-{(@type, 'editorial')[1]}"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- A note that is a block of its own (in a div) is still a footnote, attached to the next block. -->
  <xsl:template match="tei:div/tei:note">
    <p class="note-block"><span class="fn fn-note fn-{(@type, 'editorial')[1]}"><xsl:apply-templates/></span>
      <xsl:apply-templates select="following-sibling::*[1][self::tei:note]" mode="attached"/></p>
  </xsl:template>

  <xsl:template match="tei:div/tei:note[preceding-sibling::*[1][self::tei:head or self::tei:p or self::tei:note]]" priority="2"/>

  <xsl:template match="tei:ref[@type = 'noteAnchor']">
    <span class="fn fn-anchor">
      <xsl:text>Note </xsl:text>
      <xsl:value-of select="(@n, normalize-space(.))[1]"/>
      <xsl:text> of the original; its text is not given in the source transcript.</xsl:text>
    </span>
  </xsl:template>

  <xsl:template match="tei:ref">
    <span class="ref"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:ptr"/>
  <xsl:template match="tei:pb | tei:cb | tei:milestone | tei:anchor"/>

  <!-- Anything else: keep its text. -->
  <xsl:template match="tei:*">
    <span class="tei-{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Plain text (titles, TOC, running heads, metadata)                 -->
  <!-- ================================================================ -->

  <xsl:template match="tei:supplied" mode="plain">[<xsl:apply-templates mode="plain"/>]</xsl:template>
  <xsl:template match="tei:gap" mode="plain">[…]</xsl:template>
  <xsl:template match="tei:note | tei:ref[@type = 'noteAnchor']" mode="plain"/>
  <xsl:template match="tei:choice" mode="plain">
    <xsl:apply-templates select="(tei:orig, tei:sic, tei:abbr, tei:reg, tei:corr, tei:expan)[1]/node()" mode="plain"/>
  </xsl:template>
  <xsl:template match="tei:lb" mode="plain"><xsl:text> </xsl:text></xsl:template>

  <!-- ================================================================ -->
  <!-- Index of persons                                                  -->
  <!-- ================================================================ -->

  <xsl:template name="index">
    <xsl:param name="docs" as="element(tei:TEI)*"/>
    <xsl:variable name="names" select="$docs/tei:text//tei:persName[not(ancestor::tei:persName)]"/>
    <xsl:if test="exists($names)">
      <section class="index" id="index-persons">
        <h1 class="index-title">Index of persons</h1>
        <p class="index-intro">Names as given in the edition's register; page numbers refer to this volume.
          Names marked * are not yet identified in the register.</p>
        <div class="index-entries">
          <xsl:for-each-group select="$names" group-by="if (f:entry(.)) then 'r:' || generate-id(f:entry(.))
                                                        else 't:' || lower-case(f:index-heading(.))">
            <xsl:sort select="lower-case(f:index-heading(current-group()[1]))" lang="en"/>
            <xsl:variable name="e" select="f:entry(current-group()[1])"/>
            <xsl:variable name="heading" select="f:index-heading(current-group()[1])"/>
            <xsl:if test="normalize-space($heading)">
              <p class="index-entry" data-key="{current-grouping-key()}">
                <span class="index-name"><xsl:value-of select="$heading"/><xsl:if test="empty($e)">*</xsl:if></span>
                <xsl:variable name="desc" select="normalize-space(($e/tei:note[@type = 'description'])[1])"/>
                <xsl:if test="$desc">
                  <span class="index-desc"><xsl:text>, </xsl:text><xsl:value-of select="$desc"/></span>
                </xsl:if>
                <span class="index-pages">
                  <xsl:for-each select="current-group()">
                    <a class="pageref" href="#{f:anchor-id(.)}"/>
                  </xsl:for-each>
                </span>
              </p>
            </xsl:if>
          </xsl:for-each-group>
        </div>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
