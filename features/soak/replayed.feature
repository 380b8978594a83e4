Feature: soak seed 22 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 22 --conversations 20 --messages 200 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 22 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14159094304" and "+14156414369" and "+14159740902" and "+14152366637"
    Given a sys_user "Alford Cummerata 1" with mobile phone "+447859938071" located in "GB"
    Given a consumer "Constantin Kertzmann 2" with mobile phone "+31649766145" located in "NL"
    Given a sys_user "Edison Mayer 5" with mobile phone "+33688958200" located in "FR"
    Given a consumer "Trinity Roob 6" with mobile phone "+14156462747" located in "US"
    Given consumer "Trinity Roob 6" has a resolved case "CS0000003" about "Billing question"
    Given consumer "Trinity Roob 6" has an open case "CS0000004" about "Cancel my plan"
    Given a customer contact "Orion Senger 7" with mobile phone "+919949923245" located in "IN"
    Given customer contact "Orion Senger 7" has an open case "CS0000005" about "Router broken"
    Given customer contact "Orion Senger 7" has an open case "CS0000006" about "Cancel my plan"
    Given a sys_user "Johathan Jakubowski 8" with mobile phone "+31630221937" located in "NL"
    Given a consumer "Alberta Rowe 9" with mobile phone "+34640946913" located in "ES"
    Given a customer contact "Gladyce Altenwerth 10" with mobile phone "+819069633091" located in "JP"
    Given customer contact "Gladyce Altenwerth 10" has a resolved case "CS0000007" about "Billing question"
    Given customer contact "Gladyce Altenwerth 10" has an open case "CS0000008" about "Late delivery"
    Given a customer contact "Hardy Ledner 12" with mobile phone "+16049628824" located in "CA"
    Given customer contact "Hardy Ledner 12" has a resolved case "CS0000009" about "Damaged lamp"
    Given customer contact "Hardy Ledner 12" has an open case "CS0000010" about "Damaged lamp"
    Given a sys_user "Bud McGlynn 14" with mobile phone "+31636064787" located in "NL"
    Given sys_user "Bud McGlynn 14" has an open case "CS0000011" about "Wrong item sent"
    Given a consumer "Reynold Batz 15" with mobile phone "+31616124136" located in "NL"
    Given consumer "Reynold Batz 15" has a resolved case "CS0000012" about "Damaged lamp"
    Given a customer contact "Linnea Zemlak 16" with mobile phone "+31658078093" located in "NL"
    Given customer contact "Linnea Zemlak 16" has an open case "CS0000013" about "Late delivery"
    Given customer contact "Linnea Zemlak 16" has a resolved case "CS0000014" about "Refund request"
    Given a sys_user "Naomie Stanton 18" with mobile phone "+31658078093" located in "NL"
    Given sys_user "Naomie Stanton 18" has an open case "CS0000015" about "Billing question"
    Given sys_user "Naomie Stanton 18" has an open case "CS0000016" about "Router broken"
    Given a consumer "Rory Sanford 19" with mobile phone "+61475545190" located in "AU"
    Given consumer "Rory Sanford 19" has an open case "CS0000017" about "Billing question"
    Given the order "1001" is "Shipped" with "DHL", expected "Thursday"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 4
    Given agent "agent02" has SMS capacity 1
    Given agent "agent03" has SMS capacity 3
    When "+31630221937" texts "ipsam ipsa velit occaecati non numquam." to "+14159094304"
    When "+31630221937" texts "Спасибо, жду ответа" to "+14159094304"
    When "+4915162155398" texts "sequi quia dicta praesentium reprehenderit omnis." to "+14156414369"
    When 233 seconds pass
    When agent "agent01" becomes available
    When "+31630221937" texts "3" to "+14159094304"
    When "+31630221937" texts "AGENT" to "+14159094304"
    When "+33688958200" texts "sequi quis natus quia deleniti veritatis consequatur quia nisi." to "+14159740902"
    When "+4915162155398" texts "2" to "+14152366637"
    When "+4915162155398" texts "STOP" to "+14152366637"
    When "+31630221937" texts "no" to "+14159094304"
    When 214 seconds pass
    When agent "agent01" rejects the work item for IMS0001001
    When "+31616124136" texts "¿Cuándo llega mi pedido? 📦" to "+14159094304"
    When 16 seconds pass
    When 279 seconds pass
    When "+31616124136" texts "AGENT" to "+14159094304"
    When 291 seconds pass
    When "+4915162155398" texts "START" to "+14152366637"
    When "+31630221937" texts "exercitationem officia ullam aliquam maiores impedit." to "+14159094304"
    When "+4915162155398" texts "yes" to "+14156414369"
    When "+31616124136" texts "STOP" to "+14159094304"
    When "+33688958200" texts "velit voluptate et qui qui autem voluptas perspiciatis inventore natus qui quia dolorem est omnis quisquam rem provident soluta adipisci ut eum exercitationem asperiores enim similique tempora quia rerum nulla aliquid repellendus voluptatem tempora et et vitae cumque tempora ut veritatis aut veniam eius eligendi tenetur alias ducimus natus repellendus voluptatum aut autem sit exercitationem eos facilis aperiam quod quis qui voluptatibus praesentium optio inventore placeat quo blanditiis similique delectus labore unde ipsa itaque ut id aut voluptatem mollitia laborum alias et adipisci molestiae qui fuga sequi eum aut necessitatibus natus sint itaque dolore omnis tempore et qui aliquid cupiditate cupiditate et velit doloribus cumque quia quos ab est eveniet quo enim harum officiis assumenda et reprehenderit modi totam labore provident nisi quod omnis numquam animi harum voluptas ut voluptate eos voluptates aut facere aut neque tempore ullam id sit esse magnam sequi eos ullam et et qui fuga quia architecto asperiores quis eos blanditiis doloremque nisi ipsum id voluptas earum excepturi officiis dolor ut hic eveniet veniam dolore architecto magnam harum ab repellendus est et debitis ut quam velit harum atque magni consequatur sit similique ut quae hic rerum maxime aut nisi ut non quos accusamus exercitationem aut est non illo quia provident et debitis quis debitis facilis quas voluptas non quos qui labore repellendus consequatur adipisci deserunt rem ea voluptatibus minima nulla amet dolor necessitatibus quia porro dolorem voluptas sequi veniam mollitia possimus rem id quaerat " to "+14159740902"
    When Twilio delivers the webhook of message #1 of IMS0001004 again
    When 249 seconds pass
    When "+31630221937" texts "aliquam voluptas cum itaque corporis vitae saepe voluptates iusto." to "+14159094304"
    When "+4915162155398" texts "2" to "+14156414369"
    When "+4915162155398" texts "inventore non officia nostrum eos et accusantium." to "+14152366637"
    When 273 seconds pass
    When Twilio delivers the webhook of message #10 of IMS0001005 again
    When 165 seconds pass
    When "+447859938071" texts "" with the images "https://cdn.example.com/soak/1/0-photo.jpg", "https://cdn.example.com/soak/1/1-photo.jpg" and "https://cdn.example.com/soak/1/2-photo.jpg" to "+14152366637"
    When "+31649766145" texts "recusandae nihil mollitia quos sunt." to "+14156414369"
    When 171 seconds pass
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 13362 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+447859938071" texts "libero distinctio et praesentium eligendi praesentium minima quasi." to "+14152366637"
    When agent "agent02" accepts the work item for IMS0001001
    When 6 seconds pass
    When "+31630221937" texts "2" to "+14159094304"
    When agent "agent02" composes "perferendis odit minus et nihil tenetur illo ipsam maiores consequatur." on interaction IMS0001001 from "+14159094304"
    When agent "agent02" composes "voluptatibus laboriosam et distinctio nesciunt." on interaction IMS0001001 from "+14159094304"
    When agent "agent02" closes IMS0001001
    When agent "agent01" rejects the work item for IMS0001005
    When agent "agent03" accepts the work item for IMS0001005
    When agent "agent03" composes "facere et adipisci perspiciatis." on interaction IMS0001005 from "+14159094304"
    Then the request is refused with "Twilio error 21610"
    When "+31630221937" texts "quis necessitatibus fuga ut eveniet cupiditate est sit quia veniam alias." to "+14159094304"
    When "+31649766145" texts "Danke! Können Sie mich zurückrufen?" to "+14156414369"
    When "+14156462747" texts "ut aut quia." to "+14156414369"
    When "+4915162155398" texts "voluptatem quas nesciunt accusamus quibusdam eum." to "+14152366637"
    When "+447859938071" texts "ut amet aspernatur aperiam molestias et delectus voluptas minima." to "+14152366637"
    When Twilio delivers the webhook of message #1 of IMS0001010 again
    When "+31658078093" texts "cum atque esse quaerat." to "+14159740902"
    When "+31630221937" texts "Merci beaucoup, ça marche 😀" to "+14159094304"
    When 235 seconds pass
    When agent "agent01" becomes available
    When "+4915162155398" texts "blanditiis atque ullam sit et." to "+14156414369"
    When "+31649766145" texts "consequatur eligendi tenetur quasi voluptatibus illum voluptatem est est voluptatem." to "+14152366637"
    When "+31658078093" texts "qui suscipit voluptatem commodi." to "+14159740902"
    When "+4915162155398" texts "eveniet atque atque est reiciendis ipsa voluptas voluptatem eveniet tenetur et assumenda temporibus libero deleniti tempora illum et sunt ut odit id omnis dolore non cumque et non consequuntur nihil vel corrupti consectetur dolore nemo exercitationem vel vero cum numquam similique commodi sint quasi ut exercitationem totam esse dolore accusantium voluptatum natus qui sequi et rerum iusto nostrum laborum ipsam maiores et eum fugit facilis quia unde provident nihil numquam hic officiis et similique repudiandae qui et voluptatum rem dolores rerum quo perspiciatis voluptatibus fugit voluptas cum est quia hic sunt est rerum ipsam eos unde optio modi consectetur assumenda est eos aliquam veritatis magnam cumque enim incidunt sequi molestias sit voluptate voluptate dolores excepturi laudantium expedita aut veritatis laudantium accusantium facilis officiis hic praesentium consequuntur beatae qui perferendis corrupti ducimus maiores praesentium doloremque et soluta recusandae ducimus doloribus ex deserunt nihil est earum sint temporibus aut consequatur et tempore debitis iure nobis nihil sed adipisci expedita rerum similique nam at dicta ea eaque et expedita dolor aut et at et quisquam voluptatibus in reiciendis quia qui distinctio velit dignissimos omnis cumque aut cumque ut quos atque veritatis veritatis accusantium ducimus neque perspiciatis expedita modi fugiat eum non quia corrupti voluptates corporis officiis fuga qui inventore accusamus unde ut voluptates ipsum dolorem a sunt sint eum voluptates corporis velit quae magnam deserunt natus ut consequuntur et voluptatem autem sun" to "+14152366637"
    When agent "agent03" composes "sint repellendus voluptates et sunt voluptatem reiciendis sed ut vel ipsam." on interaction IMS0001005 from "+14159094304"
    Then the request is refused with "Twilio error 21610"
    When agent "agent03" composes "rem facere praesentium voluptates." on interaction IMS0001005 from "+14159094304"
    Then the request is refused with "Twilio error 21610"
    When "+4915162155398" texts "1001" to "+14156414369"
    When "+31616485391" texts "eum quo magni atque sequi eligendi sit laboriosam enim eius." to "+14159740902"
    When "+33688958200" texts "ullam corporis commodi praesentium possimus enim." to "+14159740902"
    When agent "agent03" transfers IMS0001005 to agent "agent02"
    When agent "agent02" rejects the work item for IMS0001005
    When agent "agent01" accepts the work item for IMS0001005
    When agent "agent01" composes "suscipit eius a voluptas consequuntur qui consequatur." on interaction IMS0001005 from "+14159094304"
    Then the request is refused with "Twilio error 21610"
    When "+31630221937" texts "aut veritatis sunt odit fuga voluptatem." to "+14159094304"
    When 256 seconds pass
    When "+819069633091" texts "harum sequi tenetur." to "+14156414369"
    When "+819069633091" texts "aut iste hic sit necessitatibus nobis in minima praesentium." to "+14156414369"
    When "+31649766145" texts "1" to "+14159094304"
    When agent "agent01" composes "お世話になっております。注文の件です" on interaction IMS0001005 from "+14159094304"
    Then the request is refused with "Twilio error 21610"
    When agent "agent01" closes IMS0001005
    When 193 seconds pass
    When "+33688958200" texts "no" to "+14159740902"
    When agent "agent03" becomes available
    When "+4915162155398" texts "agent" to "+14156414369"
    When agent "agent01" accepts the work item for IMS0001014
    When "+31649766145" texts "laudantium quia architecto possimus omnis quod sit voluptate." to "+14156414369"
    When agent "agent01" composes "aliquid delectus consequuntur minima." on interaction IMS0001014 from "+14156414369"
    When agent "agent01" composes "porro sunt voluptas fuga nostrum voluptate ut." on interaction IMS0001014 from "+14156414369"
    When "+819069633091" texts "corrupti eum placeat optio ut voluptas est." to "+14156414369"
    When agent "agent01" leaves IMS0001014
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 4258 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 129 seconds pass
    When 133 seconds pass
    When 70 seconds pass
    When Twilio delivers the webhook of message #3 of IMS0001003 again
    When "+31658078093" texts "no" to "+14159740902"
    When "+447859938071" texts "¿Cuándo llega mi pedido? 📦" to "+14152366637"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 8877 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 21225 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent02" rejects the work item for IMS0001014
    When agent "agent03" accepts the work item for IMS0001014
    When "+14156462747" texts "1" to "+14156414369"
    When "+31649766145" texts "1001" to "+14152366637"
    When "+31630221937" texts "yes" to "+14159740902"
    When 44 seconds pass
    When "+447859938071" texts "" with the file "https://cdn.example.com/soak/1/0-clip.mp4" to "+14152366637"
    When "+447859938071" texts "dolorem itaque earum deserunt sed et repellendus modi repellat omnis eos." to "+14152366637"
    When agent "agent03" composes "nostrum ratione non nihil reprehenderit ea explicabo provident corrupti." on interaction IMS0001014 from "+14156414369"
    When 170 seconds pass
    When "+4915162155398" texts "" with the images "https://cdn.example.com/soak/11/0-photo.jpg" and "https://cdn.example.com/soak/11/1-screenshot.png" to "+14156414369"
    When "+14157581569" texts "Спасибо, жду ответа" to "+14159094304"
    When agent "agent03" goes away
    When "+31649766145" texts "provident assumenda voluptatem." to "+14152366637"
    When "+31649766145" texts "no" to "+14159094304"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When 13130 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" composes "impedit beatae quis." on interaction IMS0001014 from "+14156414369"
    When agent "agent03" closes IMS0001014
    When "+31649766145" texts "nobis excepturi ea impedit repudiandae non cumque." to "+14159094304"
    When "+31630221937" texts "3" to "+14152366637"
    When "+14157581569" texts "soluta sit blanditiis odit consectetur." to "+14159094304"
    When "+31630221937" texts "cases" to "+14152366637"
    When 66 seconds pass
    When 67 seconds pass
    When "+14156462747" texts "¿Cuándo llega mi pedido? 📦" to "+14156414369"
    When 169 seconds pass
    When 190 seconds pass
    When "+31630221937" texts "1" to "+14159740902"
    When Twilio delivers the webhook of message #5 of IMS0001008 again
    When "+447859938071" texts "2" to "+14152366637"
    When "+31658078093" texts "67852" to "+14159740902"
    When "+14157581569" texts "no" to "+14159094304"
    When 182 seconds pass
    When agent "agent01" becomes available
    When "+14156462747" texts "Спасибо, жду ответа" to "+14159740902"
    When "+14156462747" texts "yes" to "+14159740902"
    When 107 seconds pass
    When "+819083832348" texts "autem ratione et asperiores fugiat omnis." to "+14159740902"
    When 91 seconds pass
    When agent "agent02" becomes available
    When 52 seconds pass
    When "+14156462747" texts "Merci beaucoup, ça marche 😀" to "+14159094304"
    When "+31649766145" texts "veritatis ad nihil." to "+14152366637"
    When "+14156462747" texts "" with the images "https://cdn.example.com/soak/6/0-sticker.gif" and "https://cdn.example.com/soak/6/1-sticker.gif" to "+14159094304"
    When "+31649766145" texts "dolorem eligendi ut porro dolores veniam id." to "+14152366637"
    When "+447859938071" texts "👍👍 thanks" to "+14152366637"
    When "+16049628824" texts "blanditiis voluptatem sed repellendus sunt." with the files "https://cdn.example.com/soak/12/0-contact.vcf", "https://cdn.example.com/soak/12/1-sticker.gif" and "https://cdn.example.com/soak/12/2-clip.mp4" to "+14152366637"
    When 1 second passes
    When "+14156462747" texts "no" to "+14159740902"
    When "+31649766145" texts "sit quisquam et eum totam pariatur cum unde necessitatibus." to "+14159094304"
    When agent "agent03" becomes available
    When "+14156462747" texts "voluptatem id incidunt." to "+14159094304"
    When "+16049628824" texts "AGENT" to "+14152366637"
    When "+31616485391" texts "rerum esse vel ullam omnis velit sunt." to "+14159094304"
    When 128 seconds pass
    When agent "agent01" becomes available
    When 273 seconds pass
    When "+31630221937" texts "consequatur ut ut labore enim." to "+14152366637"
    When agent "agent01" accepts the work item for IMS0001037
    When "+34640946913" texts "¿Cuándo llega mi pedido? 📦" to "+14159740902"
    When agent "agent01" transfers IMS0001037 to queue "Soak"
    When "+447859938071" texts "beatae ea qui qui." to "+14156414369"
    When agent "agent03" accepts the work item for IMS0001037
    When "+34640946913" texts "cases" to "+14159740902"
    When "+14157581569" texts "veniam cumque est adipisci saepe impedit exercitationem accusantium magnam maiores." to "+14159094304"
    When agent "agent03" composes "eum modi in qui possimus placeat quae labore." on interaction IMS0001037 from "+14152366637"
    When 1 second passes
    When "+14156462747" texts "et ut enim iste ut." to "+14159094304"
    When agent "agent03" composes "👍👍 thanks" on interaction IMS0001037 from "+14152366637"
    When "+14157581569" texts "sapiente placeat officia officia quos quaerat aliquam rerum dolorem." to "+14159094304"
    When 72 seconds pass
    When "+16049628824" texts "ea sunt velit vel consequatur aspernatur cupiditate laboriosam ea optio nulla a et eligendi aut sit quas iste dolor soluta a culpa aut qui autem aut ipsa ut ut exercitationem itaque ratione quis atque aut id harum iste blanditiis quia voluptas ratione beatae et quod occaecati nam fuga molestiae veritatis inventore corrupti sit repudiandae quis ut error officiis qui ducimus eligendi error voluptate voluptates neque accusamus temporibus voluptas cumque et ut cumque earum qui porro" to "+14152366637"
    When "+447859938071" texts "fugiat provident officiis sunt et suscipit voluptas sapiente aliquid rerum odio." to "+14156414369"
    When agent "agent03" composes "nobis ipsam quibusdam neque labore." on interaction IMS0001037 from "+14152366637"
    When agent "agent02"'s SMS capacity becomes 3
    When agent "agent03" becomes available
    When "+16049628824" texts "consequatur beatae qui sint accusantium quod." to "+14159094304"
    When "+31649766145" texts "" with the images "https://cdn.example.com/soak/2/0-screenshot.png", "https://cdn.example.com/soak/2/1-photo.jpg" and "https://cdn.example.com/soak/2/2-sticker.gif" to "+14152366637"
    When "+16049628824" texts "2" to "+14152366637"
    When "+14157581569" texts "quia at minus quibusdam et." to "+14159094304"
    When agent "agent03" composes "nihil ut repellat deleniti corrupti recusandae tenetur." on interaction IMS0001037 from "+14152366637"
    When "+31649766145" texts "eum dicta ipsam sed quidem quia reiciendis neque." to "+14152366637"
    When "+447859938071" texts "voluptatem culpa ut velit alias molestiae." to "+14156414369"
    When "+447859938071" texts "ullam eos quia quos aut deleniti." to "+14156414369"
    When "+16049628824" texts "officiis nam adipisci." to "+14159094304"
    When agent "agent03" composes "iure vitae rerum culpa impedit officia." on interaction IMS0001037 from "+14152366637"
    When 29 seconds pass
    When 204 seconds pass
    When agent "agent03" composes "ut eum quis necessitatibus vel perspiciatis doloribus quidem est quaerat non." on interaction IMS0001037 from "+14152366637"
    When agent "agent03" closes IMS0001037
    When agent "agent01" goes away
    When "+34640946913" texts "recusandae est odio odio ut." to "+14159740902"
    When 276 seconds pass
    When "+16049628824" texts "1" to "+14159094304"
    When "+31636064787" texts "cases" to "+14156414369"
    When Twilio delivers the webhook of message #1 of IMS0001039 again
    When 182 seconds pass
    When "+31616485391" texts "perspiciatis consequatur iusto explicabo est rem est odio nam doloremque." to "+14159094304"
    When agent "agent03"'s SMS capacity becomes 1
    When 110 seconds pass
    When 48 seconds pass
    When 223 seconds pass
    When "+31630221937" texts "order" to "+14152366637"
    When "+34640946913" texts "no" to "+14159740902"
    When "+31659346505" texts "minus et voluptatem facere dolor dolorum possimus eligendi excepturi." to "+14159094304"
    When "+31616485391" texts "et reprehenderit quod." to "+14159094304"
    When "+34640946913" texts "¿Cuándo llega mi pedido? 📦" to "+14159740902"
    When "+31636064787" texts "inventore exercitationem laboriosam quam aliquid est." to "+14156414369"
    When "+31636064787" texts "odio reprehenderit explicabo quia id perspiciatis asperiores ut sit voluptatum." to "+14156414369"
    When "+819069633091" texts "consequatur et magnam est sequi esse autem beatae vel et." to "+14152366637"
    When "+31649766145" texts "assumenda labore quidem cupiditate voluptates ducimus veniam rerum ut." to "+14152366637"
    When agent "agent03"'s SMS capacity becomes 1
    When "+14156462747" texts "Danke! Können Sie mich zurückrufen?" to "+14159094304"
    When 213 seconds pass
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 6782 seconds pass
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 233 seconds pass
    When "+14157581569" texts "commodi quos error in aut dolor repellat vel nisi." with the files "https://cdn.example.com/soak/13/0-contact.vcf", "https://cdn.example.com/soak/13/1-screenshot.png" and "https://cdn.example.com/soak/13/2-photo.jpg" to "+14159094304"
    When 262 seconds pass
    When "+31649766145" texts "sed quia officia culpa est dolore natus molestias soluta autem." to "+14152366637"
    When "+14156462747" texts "iure in iste incidunt quidem consequuntur porro quos eum expedita maiores." to "+14159094304"
    When "+16049628824" texts "cases" to "+14152366637"
    When 108 seconds pass
    When "+14156462747" texts "molestiae ullam asperiores." to "+14159094304"
    When "+16049628824" texts "¿Cuándo llega mi pedido? 📦" to "+14152366637"
    When agent "agent01"'s SMS capacity becomes 2
    When "+33688958200" texts "2" to "+14159740902"
    When "+31630221937" texts "Merci beaucoup, ça marche 😀" to "+14152366637"
    When "+16049628824" texts "2" to "+14152366637"
    When "+14157581569" texts "expedita minima consequatur autem ducimus quo." to "+14159094304"
    When "+31649766145" texts "dolores ad laudantium dolore." to "+14152366637"
    When "+919949923245" texts "eligendi et voluptas magni delectus odio distinctio." to "+14159740902"
    When "+16049628824" texts "cases" to "+14152366637"
    When 109 seconds pass
    When 163 seconds pass
    When 37 seconds pass
    When "+33688958200" texts "aut et a laboriosam." to "+14159740902"
    When "+31630221937" texts "cases" to "+14159740902"
    When "+31630221937" texts "omnis numquam vero perspiciatis et maxime." to "+14159740902"
    When "+31630221937" texts "3" to "+14159740902"
    When "+14156462747" texts "ut voluptas aut autem quis animi aliquid autem rerum ex fuga." to "+14152366637"
    When "+16049628824" texts "possimus temporibus architecto repellat ut quia quae corporis odit omnis iusto." to "+14152366637"
    When "+31616485391" texts "31595" to "+14159740902"
    When "+31630221937" texts "facere nihil et quia nesciunt velit blanditiis quae tempora est nobis." to "+14159740902"
    When "+34640946913" texts "architecto perspiciatis dicta omnis ea aut aliquam ipsum vel eos." to "+14156414369"
    When 156 seconds pass
    When "+14156462747" texts "optio vero sint ut qui nulla non." to "+14159094304"
    When "+14156462747" texts "cases" to "+14152366637"
    When agent "agent01" becomes available
    When "+33688958200" texts "aut molestiae et nostrum." to "+14159740902"
    When "+31630221937" texts "molestias sunt ut ratione quia molestiae ab et aut sed quia perferendis doloribus mollitia natus rerum dolores est culpa aliquid neque voluptas perferendis eaque aut minus dolore ea ea qui qui alias perferendis ipsa aut provident dolor magni tenetur qui quod est aliquam sunt quis provident saepe facilis ex voluptatem eaque aut facilis non voluptatem qui non dolore aspernatur aperiam minus voluptatum vel eos vero rerum" to "+14152366637"
    When 299 seconds pass
    When "+31649766145" texts "iusto rerum qui dolores voluptate et quos." to "+14159094304"
    When "+33688958200" texts "2" to "+14152366637"
    When "+31649766145" texts "STOP" to "+14152366637"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 15208 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+33688958200" texts "1" to "+14152366637"
    When "+31630221937" texts "Danke! Können Sie mich zurückrufen?" to "+14159740902"
    When "+16049628824" texts "tempora consequatur architecto vel voluptas iste praesentium cupiditate est." to "+14152366637"
    When "+31630221937" texts "quaerat aliquam dolore labore." to "+14159740902"
    When "+819069633091" texts "1" to "+14156414369"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 14028 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 103 seconds pass
    When "+33688958200" texts "eius sit pariatur iusto officiis facilis natus eos ipsum numquam quis." to "+14159740902"
    When "+31658078093" texts "quia doloribus deserunt quidem omnis debitis fuga eos delectus." to "+14159740902"
    When "+819069633091" texts "rerum nisi rerum maiores quia vel eum vitae non veritatis vel nihil accusamus porro vel nulla veritatis dolorem ullam quae aut quibusdam qui repellendus dolorum vitae facilis voluptas esse molestiae fugiat quia optio labore praesentium et unde aut voluptates qui similique incidunt eaque ipsam aut ducimus nam magni voluptatibus quia expedita quidem quam aut deleniti consequatur voluptas omnis est perspiciatis est perferendis accusantium optio ipsum neque ducimus ut molestiae aspernatur vitae modi aut et iste veritatis quo necessitatibus rem consequatur numquam placeat pariatur animi doloremque et eius accusantium et quia optio dolores perferendis dolores libero dolorum error minima et enim est eos dolores vel laudantium animi quasi voluptates consectetur iste ab excepturi et velit exercitationem inventore consequatur ut voluptate fugit dolor aliquam neque facere nihil incidunt magni earum dignissimos veniam voluptatem voluptatibus fugiat eum aliquid laborum perspiciatis quia aut laboriosam similique inventore atque natus accusamus voluptas accusantium illum error doloremque quis at laborum corporis facere nesciunt optio ducimus dicta veritatis voluptas explicabo qui ipsum perferendis magni quisquam quis fuga cumque blanditiis earum dolorem quaerat perferendis iure porro voluptas incidunt quam dolor officiis in laboriosam eos dolores harum ut dolores optio aspernatur ut qui fuga laboriosam et vero maxime modi in aut est voluptas est tempore delectus vel et non laboriosam nisi inventore culpa iusto eveniet nemo optio similique quisquam facere necessitatibus facere excepturi qu" to "+14156414369"
    When "+31658078093" texts "お世話になっております。注文の件です" to "+14156414369"
    When 191 seconds pass
    When "+31649766145" texts "START" to "+14152366637"
    When "+61475545190" texts "お世話になっております。注文の件です" to "+14152366637"
    When "+14156462747" texts "deserunt qui et non quibusdam doloremque velit amet tempora." to "+14152366637"
    When "+31649766145" texts "1001" to "+14152366637"
    When "+14156462747" texts "distinctio molestiae reiciendis voluptatum tenetur dolor voluptas possimus vel harum." to "+14159740902"
    When 47 seconds pass
    When "+919949923245" texts "earum fuga rerum doloribus impedit et facilis qui tempora eos mollitia nesciunt quos asperiores modi est dolores est fuga aut est impedit enim consequatur quos nulla illum accusantium ut magnam amet pariatur rerum nostrum quibusdam tenetur et non earum non laudantium et dolorem officiis in aut consequatur in saepe esse mollitia dolorem suscipit et facilis" to "+14159740902"
    When "+31658078093" texts "34714" to "+14156414369"
    When 262 seconds pass
    When "+819069633091" texts "quasi qui voluptatem natus voluptatum dolore magnam ex eligendi." to "+14156414369"
    When "+14156462747" texts "3" to "+14159740902"
    When "+61475545190" texts "veniam omnis nam accusamus similique." to "+14152366637"
    When "+31630221937" texts "tempore voluptas ut beatae non et excepturi dicta." to "+14159740902"
    When 225 seconds pass
    When 181 seconds pass
    When "+14156462747" texts "fugiat et architecto nobis repudiandae aspernatur." to "+14159740902"
    When "+819069633091" texts "1" to "+14156414369"
    When "+16049628824" texts "vel voluptatibus consequatur dolor dolorem." with the image "https://cdn.example.com/soak/12/0-sticker.gif" to "+14152366637"
    When "+33688958200" texts "Merci beaucoup, ça marche 😀" to "+14152366637"
    When "+31630221937" texts "quibusdam aut repellendus corrupti." to "+14159740902"
    When "+14156462747" texts "2" to "+14159740902"
    When 197 seconds pass
    When 189 seconds pass
    When "+14156462747" texts "Merci beaucoup, ça marche 😀" to "+14159740902"
    When "+61475545190" texts "architecto qui et optio." to "+14152366637"
    When "+14157581569" texts "" with the image "https://cdn.example.com/soak/13/0-photo.jpg" to "+14152366637"
    When "+819069633091" texts "STOP" to "+14156414369"
    When "+16049628824" texts "お世話になっております。注文の件です" to "+14152366637"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 11316 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+34640946913" texts "7" to "+14159740902"
    When 102 seconds pass
    When "+31616485391" texts "sit dignissimos occaecati a omnis sequi quia eveniet et sunt." to "+14152366637"
    When 258 seconds pass
    When Twilio delivers the webhook of message #3 of IMS0001048 again
    When "+14156462747" texts "magnam adipisci tempora labore." to "+14159740902"
    When agent "agent03"'s SMS capacity becomes 1
    When Twilio delivers the webhook of message #1 of IMS0001075 again
    When agent "agent01" becomes available
    When "+31659346505" texts "" with the image "https://cdn.example.com/soak/4/0-photo.jpg" to "+14152366637"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 12275 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+31658078093" texts "laudantium molestiae occaecati quo incidunt voluptates et sunt voluptatem dolores atque." to "+14156414369"
    When 49 seconds pass
    When "+31649766145" texts "aliquam pariatur in fugit temporibus." to "+14159740902"
    When "+31659346505" texts "occaecati corrupti totam tempore et temporibus." to "+14152366637"
    When 184 seconds pass
    When "+447859938071" texts "1001" to "+14159094304"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 4394 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent01"'s SMS capacity becomes 2
    When "+31658078093" texts "incidunt accusantium aut veniam non odio." to "+14156414369"
    When "+31659346505" texts "1001" to "+14152366637"
    When "+31630221937" texts "sit dicta sit." to "+14159740902"
    When 36 seconds pass
    When 229 seconds pass
    When agent "agent03" becomes available
    When "+31658078093" texts "excepturi unde rerum ut soluta distinctio omnis." to "+14156414369"
    When Twilio delivers the webhook of message #3 of IMS0001066 again
    When "+31658078093" texts "similique voluptatem voluptatem repudiandae officia quo." to "+14156414369"
    When agent "agent03" composes "aut laborum dolorem quod ipsam molestias qui in laboriosam." from "+14156414369" to "+31658078093" for customer contact "Linnea Zemlak 16"
    When "+61475545190" texts "iste qui hic." to "+14152366637"
    When 254 seconds pass
    When agent "agent01"'s SMS capacity becomes 4
    When "+31659346505" texts "possimus quas sed." to "+14152366637"
    When 221 seconds pass
    When agent "agent03" sends the card of case "CS0000013" on interaction IMS0001084
    When "+31630221937" texts "eligendi autem aliquid harum ut temporibus ut odit dignissimos cum deserunt sunt et et libero voluptatibus cupiditate beatae ipsam asperiores reprehenderit voluptatem eum omnis atque vero molestiae placeat quia qui nesciunt consequatur qui fugiat praesentium itaque totam inventore temporibus odit odio voluptatem ipsam est molestiae eum impedit et assumenda temporibus sit rem nobis exercitationem aut dolore et fuga repellat ad magnam iusto est ut quia aut enim quia sed ab iusto ut consequatur sapiente nobis voluptas vitae consequatur sequi ipsum praesentium voluptatem blanditiis dolor quia fuga soluta qui iure est praesentium quisquam aut mollitia praesentium veniam repellat facilis debitis sit eveniet quo ut voluptatem id rerum aut quibusdam illo animi aut ex vel aliquid perferendis mollitia sit ipsa ipsam ut sequi fuga sit est assumenda doloribus necessitatibus sunt et est ea aut harum suscipit sit cumque magnam consequatur sequi et sequi dolorem corrupti iusto voluptas eius reiciendis qui voluptatem suscipit ut occaecati sequi nulla ab omnis consequuntur cupiditate rem et modi eaque asperiores accusantium illo culpa et qui magnam excepturi eum aut voluptatem facilis itaque cum et sunt eos cupiditate adipisci incidunt est omnis pariatur libero alias ut labore error facere iusto omnis aliquid eum ut dolorem ut omnis rerum ullam ut distinctio aut possimus aspernatur distinctio officiis sed labore adipisci aut recusandae recusandae et ut aliquid dolor natus delectus tempora illo minus blanditiis aspernatur ut nihil magnam rem at et non in nemo omnis iure dolorem laudantium cu" to "+14159740902"
    When "+34640946913" texts "3" to "+14159740902"
    When "+31659346505" texts "debitis tenetur eius." to "+14152366637"
    When "+61475545190" texts "quis animi voluptas ut a atque." to "+14152366637"
    When "+31616485391" texts "minus rerum optio dolor vitae illum quae eligendi et voluptates quae necessitatibus voluptas sunt et dolorem quasi repellat exercitationem excepturi molestias ullam temporibus voluptatibus animi enim delectus tenetur voluptatem molestiae labore eos ut eum et impedit dolore et iusto repellendus aliquam qui debitis cumque porro repellat quaerat eos a voluptatum sed reiciendis sed ex quia" to "+14152366637"
    When "+31649766145" texts "STOP" to "+14152366637"
    When "+4915162155398" texts "perferendis consequatur magni repellat ea autem itaque esse placeat." to "+14156414369"
    When "+4915162155398" texts "Спасибо, жду ответа" to "+14156414369"
    When agent "agent03" composes "nostrum accusamus quibusdam fuga quo earum est fugit vel adipisci et." on interaction IMS0001084 from "+14156414369"
    When agent "agent03" closes IMS0001084
    When 166 seconds pass
    When "+31658078093" texts "blanditiis enim sint neque." to "+14159094304"
    When "+33688958200" texts "1001" to "+14159740902"
    When "+31659346505" texts "" with the files "https://cdn.example.com/soak/4/0-receipt.pdf", "https://cdn.example.com/soak/4/1-contact.vcf" and "https://cdn.example.com/soak/4/2-screenshot.png" to "+14152366637"
    When "+31616485391" texts "voluptatem ratione pariatur." to "+14152366637"
    When "+447859938071" texts "3" to "+14159094304"
    When "+31616485391" texts "Danke! Können Sie mich zurückrufen?" to "+14152366637"
    When 205 seconds pass
    When "+4915162155398" texts "👍👍 thanks" to "+14156414369"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
